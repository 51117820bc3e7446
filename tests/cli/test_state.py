"""The state commands and what the CLI says about where state lives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from tests.conftest import MINIMAL

ONLY_COPY = "the only copy of this environment's state is on this machine"


@pytest.fixture
def pulumi_without_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, offline: Path) -> Path:
    """The Pulumi engine on a machine with neither its CLI nor a passphrase: commands stop before any operation."""
    monkeypatch.setenv("SAASCTL_ENGINE", "pulumi")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("SAASCTL_PULUMI_ROOT", str(tmp_path / "none"))
    for variable in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tenants.yaml").write_text(MINIMAL)
    return tmp_path


def test_a_deploy_the_engine_cannot_run_says_only_why(runner: CliRunner, pulumi_without_cli: Path) -> None:
    result = runner.invoke(app, ["apply", "--yes"])
    assert (result.exit_code, ONLY_COPY in result.stderr) == (2, False)
    assert result.stderr.startswith("error: PULUMI_CONFIG_PASSPHRASE is not set")


def test_a_dry_run_does_not_warn_about_the_state(runner: CliRunner, pulumi_without_cli: Path) -> None:
    assert ONLY_COPY not in runner.invoke(app, ["apply", "--dry-run"]).stderr


# ---- state init, against moto ----------------------------------------------------------------------------


@pytest.fixture
def spec_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tenants.yaml").write_text(MINIMAL)
    return tmp_path


def test_state_init_makes_a_versioned_encrypted_private_bucket_and_a_kms_key_with_its_alias(
    runner: CliRunner, moto: str, spec_here: Path
) -> None:
    from tests.moto_server import client

    result = runner.invoke(app, ["state", "init", "--endpoint-url", moto, "--json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    bucket = "saasctl-state-123456789012-us-east-1"
    assert document["made"] == [
        f"bucket {bucket}",
        "versioning",
        "encryption",
        "public access block",
        "KMS key alias/saasctl-state",
        "key rotation",
    ]
    s3, kms = client(moto, "s3"), client(moto, "kms")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"  # type: ignore[attr-defined]
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]  # type: ignore[attr-defined]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    blocked = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]  # type: ignore[attr-defined]
    assert all(blocked.values()) and len(blocked) == 4
    key = kms.describe_key(KeyId="alias/saasctl-state")["KeyMetadata"]  # type: ignore[attr-defined]
    assert (key["KeyId"], key["KeyState"]) == (document["key_id"], "Enabled")
    assert document["state"] == {
        "backend": f"s3://{bucket}?region=us-east-1&endpoint={moto}&s3ForcePathStyle=true",
        "secrets_provider": f"awskms://alias/saasctl-state?region=us-east-1&endpoint={moto}",
    }


def test_state_init_run_again_finds_everything_and_changes_nothing(
    runner: CliRunner, moto: str, spec_here: Path
) -> None:
    first = json.loads(runner.invoke(app, ["state", "init", "--endpoint-url", moto, "--json"]).stdout)
    again = json.loads(runner.invoke(app, ["state", "init", "--endpoint-url", moto, "--json"]).stdout)
    assert (again["made"], again["found"]) == ([], first["made"])
    assert (again["key_id"], again["state"]) == (first["key_id"], first["state"])


def test_state_init_prints_the_lines_to_paste_which_the_file_then_reads(
    runner: CliRunner, moto: str, spec_here: Path
) -> None:
    from saas_ctl.state.location import resolve

    result = runner.invoke(app, ["state", "init", "--endpoint-url", moto, "--bucket", "team-state", "--prefix", "x"])
    pasted = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert pasted == [
        "  state:",
        f"    backend: s3://team-state/x?region=us-east-1&endpoint={moto}&s3ForcePathStyle=true",
        f"    secrets_provider: awskms://alias/saasctl-state?region=us-east-1&endpoint={moto}",
    ]
    file = spec_here / "tenants.yaml"
    file.write_text(MINIMAL.replace("defaults:", "\n".join(pasted) + "\ndefaults:"))
    where = resolve(file, environ={})
    assert where.backend_url == f"s3://team-state/x?region=us-east-1&endpoint={moto}&s3ForcePathStyle=true"
    assert where.secrets_provider == f"awskms://alias/saasctl-state?region=us-east-1&endpoint={moto}"


# ---- state unlock and state rm on a file backend ------------------------------------------------------------

LOCKS = ".saasctl/state/.pulumi/locks/organization/saas-dev-tenants/acme"


def lock(directory: Path, pid: int, hostname: str) -> Path:
    path = directory / LOCKS / "4f1c.json"
    path.parent.mkdir(parents=True)
    holder = {"pid": pid, "username": "ci", "hostname": hostname, "timestamp": "2026-12-02T11:00:00Z"}
    path.write_text(json.dumps(holder))
    return path


def test_unlock_clears_the_lock_of_a_process_of_this_host_that_is_gone(
    runner: CliRunner, spec_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    gone = _ended_pid()
    path = lock(spec_here, gone, socket.gethostname())
    result = runner.invoke(app, ["state", "unlock", "acme"])
    assert (result.exit_code, result.stderr) == (
        0,
        f"cleared the lock of saas-dev-tenants/acme held by ci@{socket.gethostname()}, pid {gone}, since "
        "2026-12-02T11:00:00Z\n",
    )
    assert not path.exists()


def test_unlock_refuses_a_lock_whose_process_still_runs_here(
    runner: CliRunner, spec_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import socket

    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    path = lock(spec_here, os.getpid(), socket.gethostname())
    result = runner.invoke(app, ["state", "unlock", "acme"])
    assert result.exit_code == 2
    assert "is locked by a process that is still running" in result.stderr
    assert path.exists()


def test_unlock_of_another_hosts_lock_needs_force(
    runner: CliRunner, spec_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    path = lock(spec_here, 4242, "ci-runner-7")
    refused = runner.invoke(app, ["state", "unlock", "acme"])
    assert (refused.exit_code, path.exists()) == (2, True)
    assert refused.stderr.startswith(
        "error: stack saas-dev-tenants/acme is locked by ci@ci-runner-7, pid 4242, since 2026-12-02T11:00:00Z: "
        "another machine, where saasctl cannot see whether that process still runs\n"
    )
    assert "saasctl state unlock saas-dev-tenants/acme --force" in refused.stderr
    forced = runner.invoke(app, ["state", "unlock", "acme", "--force", "--json"])
    assert json.loads(forced.stdout)["cleared"][0]["hostname"] == "ci-runner-7"
    assert not path.exists()


def test_unlock_of_a_stack_without_a_lock_says_so(
    runner: CliRunner, spec_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    result = runner.invoke(app, ["state", "unlock", "platform"])
    assert (result.exit_code, result.stderr) == (0, "stack saas-platform/dev is not locked\n")


def test_state_rm_refuses_a_stack_that_records_resources_and_names_them(
    runner: CliRunner, spec_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    stacks = spec_here / ".saasctl/state/.pulumi/stacks/saas-dev-tenants"
    stacks.mkdir(parents=True)
    urn = "urn:pulumi:acme::saas-dev-tenants::{}::{}"
    resources = [
        {"type": "pulumi:pulumi:Stack", "urn": urn.format("pulumi:pulumi:Stack", "saas-dev-tenants-acme")},
        {"type": "pulumi:providers:aws", "urn": urn.format("pulumi:providers:aws", "default")},
        {"type": "aws:s3/bucket:Bucket", "urn": urn.format("aws:s3/bucket:Bucket", "storage-bucket")},
    ]
    (stacks / "acme.json").write_text(json.dumps({"version": 3, "checkpoint": {"latest": {"resources": resources}}}))
    result = runner.invoke(app, ["state", "rm", "acme"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: stack saas-dev-tenants/acme still records 1 resource(s), which saasctl would forget (they would "
        "stay in AWS, unmanaged): aws:s3/bucket:Bucket storage-bucket\n"
    )
    assert (stacks / "acme.json").exists()


def test_state_rm_of_a_stack_that_does_not_exist_says_so(
    runner: CliRunner, spec_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    result = runner.invoke(app, ["state", "rm", "ghost"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: stack saas-dev-tenants/ghost does not exist in {(spec_here / '.saasctl' / 'state').as_uri()}\n"
    )


def _ended_pid() -> int:
    import subprocess

    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
