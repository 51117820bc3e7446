"""Lifecycle commands through the real app, driven by the in-memory engine plugged in via SAASCTL_ENGINE."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from infra.outputs import PlatformOutputs
from saas_ctl.cli.main import app
from saas_ctl.cli.terminal import Terminal
from saas_ctl.spec.loader import load
from tests import fakes
from tests.conftest import MINIMAL, fleet_yaml
from tests.fakes import TENANTS, deployed_platform
from tests.moto_server import client

PLATFORM = "saas-platform/dev"


@pytest.fixture
def spec(write_spec: Callable[[str], Path]) -> Path:
    return write_spec(MINIMAL + "  - name: globex\n    priority: 11\n")


def test_platform_up_runs_the_platform_stack(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    result = runner.invoke(app, ["platform", "up", "-f", str(spec), "--json"])
    assert result.exit_code == 0, result.stderr
    assert ("up", PLATFORM) in engine.calls
    [stack] = json.loads(result.stdout)["results"]
    assert (stack["project"], stack["stack"], stack["status"]) == ("saas-platform", "dev", "succeeded")


def test_platform_up_with_a_retired_engine_version_exits_2_without_touching_a_stack(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(MINIMAL.replace('"15.8"', '"15.4"'))
    result = runner.invoke(app, ["platform", "up", "-f", str(path)])
    assert result.exit_code == 2
    assert "error DB-ENGINE-VERSION" in result.stderr and "15.4" in result.stderr and "15.13" in result.stderr
    assert "error: preflight found 1 error; nothing was deployed" in result.stderr
    assert [c for c in engine.calls if c[0] in ("up", "preview", "destroy", "refresh")] == []


def test_skip_preflight_warns_and_deploys(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(MINIMAL.replace('"15.8"', '"15.4"'))
    result = runner.invoke(app, ["platform", "up", "-f", str(path), "--skip-preflight"])
    assert result.exit_code == 0
    assert "warning: preflight skipped (--skip-preflight): AWS constraints were not checked" in result.stderr


def test_platform_destroy_refuses_while_tenants_exist(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    result = runner.invoke(app, ["platform", "destroy", "-f", str(spec), "--yes"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: refusing to destroy the platform while 1 tenant stack(s) exist: acme\n"
        f"hint: destroy the tenants first: `saasctl tenant destroy acme -f {spec}`. The tenants' databases live in "
        "the Aurora cluster: the destroy ends with its final snapshot saas-dev-final-20260101000000, which keeps "
        "them; platform.database.restore_from: saas-dev-final-20260101000000 creates a new platform's cluster from "
        "it.\n"
    )
    assert ("destroy", PLATFORM) not in engine.calls


def test_platform_destroy_of_a_throwaway_platform_says_the_tenant_databases_go_with_it(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    path = write_spec(MINIMAL.replace("  domain: example.com\n", "  domain: example.com\n  throwaway: true\n"))
    result = runner.invoke(app, ["platform", "destroy", "-f", str(path), "--yes"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "a throwaway platform is destroyed without a final snapshot: they are deleted with it.\n"
    )


def test_platform_destroy_without_yes_off_a_terminal_refuses(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["platform", "destroy", "-f", str(spec)])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: Destroy the platform saas-dev and everything in it? Refusing without --yes because stdin is not a "
        "terminal\n"
    )


UNPROTECTED = MINIMAL.replace(
    '    engine_version: "15.8"\n', '    engine_version: "15.8"\n    deletion_protection: false\n'
)


def test_platform_destroy_with_yes_and_no_tenants_destroys(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["platform", "destroy", "-f", str(write_spec(UNPROTECTED)), "--yes"])
    assert result.exit_code == 0, result.stderr
    assert engine.stacks["saas-platform"] == {}


def test_platform_destroy_refuses_while_the_database_is_protected(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["platform", "destroy", "-f", str(spec), "--yes"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: refusing to destroy the platform: its Aurora cluster has deletion protection "
        f"(platform.database.deletion_protection is true at {spec}:6); nothing was deleted\n"
        f"hint: 1. set platform.database.deletion_protection: false in {spec}; 2. `saasctl platform up -f {spec}` "
        f"(turns it off in AWS and in Pulumi); 3. `saasctl platform destroy -f {spec}`. The tenants' databases live "
        "in the Aurora cluster: the destroy ends with its final snapshot saas-dev-final-20260101000000, which keeps "
        "them; platform.database.restore_from: saas-dev-final-20260101000000 creates a new platform's cluster from "
        "it.\n"
    )
    assert ("destroy", PLATFORM) not in engine.calls


def test_platform_destroy_refuses_while_the_deployed_database_is_still_protected(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    engine.deploy(
        "saas-platform", "dev", {**PlatformOutputs.placeholder("us-east-1", "x").as_dict(), "deletion_protection": True}
    )
    path = write_spec(UNPROTECTED)
    result = runner.invoke(app, ["platform", "destroy", "-f", str(path), "--yes"])
    assert result.exit_code == 2
    assert "the deployed Aurora cluster still has deletion protection on" in result.stderr
    assert (
        f"hint: run `saasctl platform up -f {path}` to turn it off, then `saasctl platform destroy -f {path}`"
        in result.stderr
    )
    assert ("destroy", PLATFORM) not in engine.calls


def test_platform_outputs_prints_the_typed_outputs(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    deployed_platform(engine)
    outputs = json.loads(runner.invoke(app, ["platform", "outputs", "-f", str(spec), "--json"]).stdout)["outputs"]
    assert outputs["cluster_name"] == "saas-dev"


def test_tenant_up_refuses_when_the_platform_is_not_deployed(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec)])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: the platform stack saas-platform/dev is not deployed\n"
        f"hint: run `saasctl platform up -f {spec}` first\n"
    )


def test_tenant_up_deploys_the_named_tenant(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec), "--json"])
    assert result.exit_code == 0, result.stderr
    assert [s["tenant"] for s in json.loads(result.stdout)["results"]] == ["acme"]
    assert sorted(engine.stacks[TENANTS]) == ["acme"]


def test_tenant_up_all_deploys_every_declared_tenant(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    deployed_platform(engine)
    assert runner.invoke(app, ["tenant", "up", "--all", "-f", str(spec)]).exit_code == 0
    assert sorted(engine.stacks[TENANTS]) == ["acme", "globex"]


def test_tenant_up_without_names_or_all_is_a_usage_error(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    result = runner.invoke(app, ["tenant", "up", "-f", str(spec)])
    assert result.exit_code == 2
    assert result.stderr == "error: name the tenants to act on, or pass --all\n"


def test_tenant_preview_and_refresh_touch_only_the_named_stack(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    runner.invoke(app, ["tenant", "preview", "globex", "-f", str(spec)])
    runner.invoke(app, ["tenant", "refresh", "globex", "-f", str(spec)])
    operations = [c for c in engine.calls if c[0] in ("preview", "refresh", "up", "destroy")]
    assert operations == [("preview", f"{TENANTS}/globex"), ("refresh", f"{TENANTS}/globex")]


def test_tenant_add_edits_the_file_and_deploys(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["tenant", "add", "initech", "-f", str(spec), "--json"])
    assert result.exit_code == 0, result.stderr
    assert "  - name: initech\n    priority: 1\n    cell: 1\n" in spec.read_text()
    assert json.loads(result.stdout)["added"] == "initech"
    assert "initech" in engine.stacks[TENANTS]


def test_failed_deploy_of_an_added_tenant_keeps_it_in_the_file_and_says_how_to_retry(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.failures[("up", f"{TENANTS}/initech")] = "saas-dev-tenants/initech: AccessDenied: ecs:CreateService"
    result = runner.invoke(app, ["tenant", "add", "initech", "-f", str(spec)])
    assert result.exit_code == 1
    assert "name: initech" in spec.read_text()
    assert f"retry the failed ones: saasctl tenant up initech -f {spec}" in result.stderr
    assert "failed: saas-dev-tenants/initech: AccessDenied: ecs:CreateService" in result.stderr


def test_tenant_destroy_keeps_data_and_removes_the_tenant_from_the_file(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme", {"bucket_name": "saas-acme-dev-5e68bd74"})  # the name its stack gave it
    result = runner.invoke(app, ["tenant", "destroy", "acme", "-f", str(spec), "--yes", "--json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["kept"] == [
        "S3 bucket saas-acme-dev-5e68bd74",
        "secret saas-dev/acme/app",
        "database and role tenant_acme",
    ]
    assert document["removed_from_file"] is True
    assert "name: acme" not in spec.read_text()
    assert "acme" not in engine.stacks[TENANTS]


def test_tenant_destroy_with_delete_data_applies_deletion_first(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    result = runner.invoke(app, ["tenant", "destroy", "acme", "-f", str(spec), "--yes", "--delete-data", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["kept"] == []
    assert [c for c in engine.calls if c[0] in ("up", "destroy")] == [
        ("up", f"{TENANTS}/acme"),
        ("destroy", f"{TENANTS}/acme"),
    ]


def test_failed_tenant_destroy_leaves_stack_and_file(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    engine.failures[("destroy", f"{TENANTS}/acme")] = "saas-dev-tenants/acme: DependencyViolation"
    result = runner.invoke(app, ["tenant", "destroy", "acme", "-f", str(spec), "--yes"])
    assert result.exit_code == 1
    assert "name: acme" in spec.read_text()
    assert "acme" in engine.stacks[TENANTS]


def test_tenant_destroy_of_an_engine_that_raises_fails_cleanly(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    engine.raises[("destroy", f"{TENANTS}/acme")] = RuntimeError("backend unreachable")
    result = runner.invoke(app, ["tenant", "destroy", "acme", "-f", str(spec), "--yes"])
    assert result.exit_code == 1
    assert (
        "failed: the engine failed in destroy of saas-dev-tenants/acme: RuntimeError: backend unreachable"
        in result.stderr
    )
    assert "name: acme" in spec.read_text()


def test_tenant_destroy_without_yes_off_a_terminal_refuses(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    result = runner.invoke(app, ["tenant", "destroy", "acme", "-f", str(spec)])
    assert result.exit_code == 2
    assert "Refusing without --yes because stdin is not a terminal" in result.stderr


def test_tenant_destroy_of_an_orphan_destroys_its_stack(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "oldco")
    result = runner.invoke(app, ["tenant", "destroy", "oldco", "-f", str(spec), "--yes", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["removed_from_file"] is False
    assert "oldco" not in engine.stacks[TENANTS]


def test_tenant_list_shows_declared_deployed_and_orphaned(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    engine.deploy(TENANTS, "acme")
    engine.deploy(TENANTS, "oldco")
    rows = json.loads(runner.invoke(app, ["tenant", "list", "-f", str(spec), "--json"]).stdout)["tenants"]
    assert [(r["name"], r["state"]) for r in rows] == [
        ("acme", "deployed"),
        ("globex", "not deployed"),
        ("oldco", "orphaned"),
    ]


def test_tenant_remove_without_no_deploy_points_to_destroy(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    result = runner.invoke(app, ["tenant", "remove", "acme", "-f", str(spec)])
    assert result.exit_code == 2
    assert f"`saasctl tenant destroy acme -f {spec}` destroys the stack and removes the tenant" in result.stderr


def test_locked_stack_is_retried_then_succeeds(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saas_ctl.orchestration import orchestrator

    monkeypatch.setattr(orchestrator.Options, "__init__", _fast_backoff(orchestrator.Options.__init__))
    deployed_platform(engine)
    engine.locks[f"{TENANTS}/acme"] = 2
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert engine.calls.count(("up", f"{TENANTS}/acme")) == 3


def _fast_backoff(init: Callable[..., None]) -> Callable[..., None]:
    def patched(self: object, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)
        object.__setattr__(self, "lock_backoff_seconds", 0.0)

    return patched


def test_progress_goes_to_stderr_and_json_to_stdout_only(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec), "--json"])
    json.loads(result.stdout)  # exactly one document
    assert "acme: running" in result.stderr


def test_an_unknown_engine_is_a_usage_error(runner: CliRunner, spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAASCTL_ENGINE", "nowhere:engine")
    result = runner.invoke(app, ["platform", "up", "-f", str(spec)])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: SAASCTL_ENGINE='nowhere:engine': cannot load it (No module named 'nowhere')"
    )


def test_platform_up_says_what_the_engine_lacks_before_preflight_and_creates_no_state(
    runner: CliRunner, write_spec: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAASCTL_ENGINE", raising=False)  # the default PulumiEngine; no CLI on this machine
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    path = write_spec(MINIMAL.replace('"15.8"', '"15.4"'))
    result = runner.invoke(app, ["platform", "up", "-f", str(path), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"].startswith("PULUMI_CONFIG_PASSPHRASE is not set")
    assert not (tmp_path / ".saasctl" / "state").exists()


def test_tenant_add_that_fails_preflight_is_not_added(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    # Two tenants at 4 tasks of 0.25 vCPU use the whole declared Fargate quota: a third would exceed it.
    full = fleet_yaml(2, platform="quotas: {fargate_on_demand_vcpus: 2}")
    path = write_spec(full)
    result = runner.invoke(app, ["tenant", "add", "one-too-many", "-f", str(path)])
    assert result.exit_code == 2
    assert "error FLEET-FARGATE-VCPU" in result.stderr
    assert path.read_text() == full
    assert [c for c in engine.calls if c[0] == "up"] == []


def test_tenant_destroy_keeping_data_does_not_need_the_platform(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    engine.deploy(TENANTS, "acme")  # the platform stack is gone (or was never recorded)
    result = runner.invoke(app, ["tenant", "destroy", "acme", "-f", str(spec), "--yes"])
    assert result.exit_code == 0, result.stderr
    assert "acme" not in engine.stacks[TENANTS]


def test_platform_destroy_refuses_when_its_final_snapshot_name_is_taken(
    runner: CliRunner,
    engine: fakes.MemoryEngine,
    write_spec: Callable[[str], Path],
    moto_env: str,
) -> None:
    rds: Any = client(moto_env, "rds")
    rds.create_db_cluster(
        DBClusterIdentifier="old", Engine="aurora-postgresql", MasterUsername="x", MasterUserPassword="password123"
    )
    rds.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="saas-dev-final-20260101000000", DBClusterIdentifier="old"
    )
    deployed_platform(engine)  # generation 20260101000000
    result = runner.invoke(app, ["platform", "destroy", "-f", str(write_spec(UNPROTECTED)), "--yes"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: refusing to destroy the platform: a DB cluster snapshot named saas-dev-final-20260101000000 (this "
        "platform's final snapshot) already exists"
    )
    assert ("destroy", PLATFORM) not in engine.calls


def test_a_platform_keeps_its_generation_and_a_new_one_gets_the_time_of_its_creation() -> None:
    from datetime import UTC, datetime

    from saas_ctl.stacks.targets import platform_generation

    assert platform_generation({"generation": "20250101000000"}) == "20250101000000"
    assert platform_generation({}, datetime(2026, 11, 29, 13, 5, 9, tzinfo=UTC)) == "20261129130509"


def test_tenant_add_before_the_platform_is_deployed_writes_nothing_and_can_be_rerun(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    before = spec.read_text()
    for _ in range(2):  # the same command again meets the same refusal, not "already declared"
        result = runner.invoke(app, ["tenant", "add", "initech", "-f", str(spec)])
        assert result.exit_code == 2
        assert "the platform stack saas-platform/dev is not deployed" in result.stderr
    assert spec.read_text() == before


def test_a_kept_data_lookup_that_cannot_reach_aws_is_one_line_and_exit_1(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed_platform(engine)
    with socket.socket() as closed:  # bound, never listening: AWS refuses the connection
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_ENDPOINT_URL", nowhere)
        result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec), "--skip-preflight"])
    assert result.exit_code == 1
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    # The lookup starts by asking which account the bucket names are for (they carry it).
    assert line.startswith(
        "error: could not ask AWS which account the credentials are for: Could not connect to the endpoint URL: "
        f'"{nowhere}/'
    )
    assert "Traceback" not in result.stderr
    assert ("up", f"{TENANTS}/acme") not in engine.calls


def test_tenant_add_whose_file_another_saasctl_changed_before_the_yes_writes_nothing_and_exits_2(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Terminal, "interactive", property(lambda self: True))
    deployed_platform(engine)
    path = write_spec(MINIMAL)
    other = [sys.executable, "-m", "saas_ctl", "tenant", "add", "globex", "--no-deploy", "-f", str(path)]

    def another_saasctl_edits_during_the_preview(calls: list[tuple[str, str]]) -> None:
        subprocess.run(other, capture_output=True, timeout=120, check=True)

    engine.on_start = another_saasctl_edits_during_the_preview
    result = runner.invoke(app, ["tenant", "add", "initech", "-f", str(path)], input="y\n")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"error: {path} changed while this command was waiting (another edit was written meanwhile), so this edit "
        "was not written\nhint: run the command again: it starts from the file as it is now\n"
    )
    assert [t.name for t in load(path).spec.tenants] == ["acme", "globex"]
    assert [call for call in engine.calls if call[0] in ("preview", "up")] == [("preview", f"{TENANTS}/initech")]


def test_tenant_up_redeploy_hands_the_service_a_new_trigger_with_force_new_deployment(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, offline: Path, tmp_path: Path, spec: Path
) -> None:
    monkeypatch.setenv("SAASCTL_ENGINE", "tests.fakes:program_engine")
    engine = fakes.reset_program_engine()
    deployed_platform(engine)
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec), "--redeploy", "--yes", "--skip-preflight"])
    assert result.exit_code == 0, result.stderr
    service = next(
        r for r in engine.declared[f"{TENANTS}/acme"].resources if r.type == "aws:ecs/service:Service"
    ).inputs
    assert service["forceNewDeployment"] is True
    assert set(service["triggers"]) == {"redeploy"} and service["triggers"]["redeploy"].endswith("Z")
