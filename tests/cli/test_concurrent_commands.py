"""Two saasctl processes at once on one deployment (tests/shared_engine.py): `apply` reads the file again, under its
lock, before it re-creates or destroys a stack, and `tenant destroy` holds the lock while it destroys (README,
"Concurrent commands"), so neither undoes what the other just did."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL
from tests.shared_engine import SharedEngine, logged, start

NO_TENANTS = MINIMAL.split("tenants:")[0] + "tenants: []\n"
PLATFORM = "saas-platform/dev"
ACME = "saas-dev-tenants/acme"


@pytest.fixture
def stacks(tmp_path: Path) -> SharedEngine:
    root = tmp_path / "stacks"
    root.mkdir()
    shared = SharedEngine(root, {})
    from infra.outputs import PlatformOutputs

    shared.deploy(PLATFORM, PlatformOutputs.placeholder("us-east-1", "saas-dev").as_dict())
    return shared


def saasctl(
    workdir: Path, stacks: SharedEngine, *args: str, delay: str = "", lock_timeout: str = ""
) -> subprocess.Popen[str]:
    return start(workdir, stacks.root, *args, SAASCTL_TEST_DELAY=delay, SAASCTL_LOCK_TIMEOUT=lock_timeout)


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=120)
    return process.returncode, stdout, stderr


def wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def test_apply_prune_does_not_destroy_a_tenant_that_tenant_add_onboarded_meanwhile(
    tmp_path: Path, stacks: SharedEngine
) -> None:
    (tmp_path / "tenants.yaml").write_text(NO_TENANTS)
    stacks.deploy(ACME, {"bucket_name": "bucket-acme"})  # an orphan when apply starts
    # apply reads the file, then spends 3 s on the platform before it prunes.
    apply = saasctl(tmp_path, stacks, "apply", "--prune", "--yes", "--skip-preflight", "--json", delay="up:dev=3")
    time.sleep(1.0)
    add = finished(saasctl(tmp_path, stacks, "tenant", "add", "acme", "--yes", "--skip-preflight"))
    assert add[0] == 0, add[2]

    code, stdout, stderr = finished(apply)
    assert code == 0, stderr
    assert stacks.deployed(ACME)
    assert "acme" in (tmp_path / "tenants.yaml").read_text()
    notes = [r["note"] for r in json.loads(stdout)["results"] if r["operation"] == "destroy"]
    assert notes == [
        f"tenant acme was added to {Path('tenants.yaml')} again by another command: its stack was not destroyed"
    ]


def test_apply_does_not_recreate_a_tenant_that_tenant_destroy_removed_meanwhile(
    tmp_path: Path, stacks: SharedEngine
) -> None:
    (tmp_path / "tenants.yaml").write_text(MINIMAL)
    stacks.deploy(ACME, {"bucket_name": "bucket-acme"})
    apply = saasctl(tmp_path, stacks, "apply", "--yes", "--skip-preflight", "--json", delay="up:dev=3")
    time.sleep(1.0)
    destroy = finished(saasctl(tmp_path, stacks, "tenant", "destroy", "acme", "--yes"))
    assert destroy[0] == 0, destroy[2]

    code, stdout, stderr = finished(apply)
    assert code == 0, stderr
    assert not stacks.deployed(ACME)
    acme = next(r for r in json.loads(stdout)["results"] if r["tenant"] == "acme")
    assert acme["note"] == (
        "tenant acme was removed from tenants.yaml by another command while this one ran: its stack was not deployed"
    )


def test_an_edit_waiting_for_the_lock_is_told_the_holders_pid_and_never_to_delete_the_lock(
    tmp_path: Path, stacks: SharedEngine
) -> None:
    (tmp_path / "tenants.yaml").write_text(MINIMAL)
    stacks.deploy(ACME, {"bucket_name": "bucket-acme"})
    destroy = saasctl(tmp_path, stacks, "tenant", "destroy", "acme", "--yes", delay="destroy:acme=15")
    wait_for(lambda: (tmp_path / ".tenants.yaml.lock").exists(), "the lock taken")
    time.sleep(1.0)
    add = saasctl(tmp_path, stacks, "tenant", "add", "beta", "--yes", "--skip-preflight", lock_timeout="1")
    code, _, stderr = finished(add)
    finished(destroy)
    assert code == 1
    assert f"(pid {destroy.pid}: saasctl tenant destroy acme)" in stderr
    assert f"wait for pid {destroy.pid} to finish, then run the command again" in stderr
    assert "delete .tenants.yaml.lock" not in stderr and "if none is running" not in stderr


def test_a_destroy_whose_file_edit_fails_says_the_stack_is_gone_and_what_was_kept(
    tmp_path: Path, stacks: SharedEngine
) -> None:
    (tmp_path / "tenants.yaml").write_text(MINIMAL)
    stacks.deploy(ACME, {"bucket_name": "bucket-acme"})
    destroy = saasctl(tmp_path, stacks, "tenant", "destroy", "acme", "--yes", "--json", delay="destroy:acme=3")
    wait_for(lambda: "started destroy saas-dev-tenants/acme" in logged(stacks.root), "the destroy")
    (tmp_path / "tenants.yaml").write_text("platform: [\n")  # an editor's broken save, while the stack goes
    code, stdout, stderr = finished(destroy)
    assert code == 1, stderr
    assert not stacks.deployed(ACME)
    document = json.loads(stdout)
    assert document["removed_from_file"] is False
    assert document["kept"] == ["S3 bucket bucket-acme", "secret saas-dev/acme/app", "database and role tenant_acme"]
    assert document["incomplete"][0].startswith(
        "tenant acme's stack was destroyed, but tenants.yaml could not be edited ("
    )
