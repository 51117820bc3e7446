"""Interrupted runs on the real CLI in a subprocess (tests/shared_engine.py): one Ctrl-C or SIGTERM ends every
wait, every interrupted run exits 130 and prints its one JSON document under --json, whatever the engine offers,
and a second signal leaves no process of the run behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from infra.outputs import PlatformOutputs
from tests.conftest import MINIMAL
from tests.shared_engine import SharedEngine, logged, start

PLATFORM = "saas-platform/dev"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "tenants.yaml").write_text(MINIMAL)
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    return stacks


def deployed_platform(root: Path) -> None:
    SharedEngine(root, {}).deploy(PLATFORM, PlatformOutputs.placeholder("us-east-1", "saas-dev").as_dict())


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def interrupted(process: subprocess.Popen[str], signum: int = signal.SIGTERM) -> tuple[int, dict[str, object], str]:
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    return process.returncode, json.loads(stdout), stderr


def tenant_up_started(tmp_path: Path, root: Path, engine: str, **variables: str) -> subprocess.Popen[str]:
    """`tenant up acme --json` on a deployed platform with ``engine``, once the tenant's up has started."""
    deployed_platform(root)
    run = start(
        tmp_path, root, "tenant", "up", "acme", "--yes", "--skip-preflight", "--json", engine=engine, **variables
    )
    wait_until(lambda: "started up saas-dev-tenants/acme" in logged(root), "the tenant's up starts")
    return run


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_one_signal_ends_a_shard_waiting_for_the_platform(tmp_path: Path, root: Path, signum: int) -> None:
    shard = start(
        tmp_path, root, "apply", "--shard", "2/2", "--platform-wait", "1800", "--yes", "--skip-preflight", "--json"
    )
    wait_until(lambda: f"outputs {PLATFORM}" in logged(root), "the shard reads the platform")
    code, document, stderr = interrupted(shard, signum)
    assert code == 130, stderr
    assert document["interrupted"] is True


def test_an_engine_of_the_earlier_protocol_is_cancelled_and_the_run_exits_130(tmp_path: Path, root: Path) -> None:
    run = tenant_up_started(tmp_path, root, "earlier_engine", SAASCTL_TEST_DELAY="up:acme=60")
    code, document, stderr = interrupted(run)
    assert code == 130, stderr
    assert "cancel saas-dev-tenants/acme" in logged(root)
    assert [r["status"] for r in document["results"]] == ["cancelled"]  # type: ignore[union-attr, index]


def test_a_run_whose_engine_cannot_cancel_still_exits_130_with_its_document(tmp_path: Path, root: Path) -> None:
    run = tenant_up_started(tmp_path, root, "deaf_engine", SAASCTL_TEST_DELAY="up:acme=2")
    code, document, stderr = interrupted(run)
    assert code == 130, stderr
    assert (document["interrupted"], [r["status"] for r in document["results"]]) == (True, ["succeeded"])  # type: ignore[union-attr, index]


def test_a_second_signal_leaves_no_provider_process_running(tmp_path: Path, root: Path) -> None:
    run = tenant_up_started(tmp_path, root, "deaf_engine", SAASCTL_TEST_DELAY="up:acme=60", SAASCTL_TEST_PROVIDER="1")
    provider = int(next(line for line in logged(root) if line.startswith("provider ")).split()[1])
    run.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    code, document, stderr = interrupted(run)
    assert code == 130, stderr
    assert document["interrupted"] is True
    wait_until(lambda: not _alive(provider), f"provider {provider} ended")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent (init, here) has yet to reap it


def test_sigterm_before_the_command_runs_exits_130_with_a_json_document(tmp_path: Path, root: Path) -> None:
    run = start(tmp_path, root, "validate", "--json")
    wait_until(lambda: _handles(run.pid, signal.SIGTERM), "saasctl handles SIGTERM")
    code, document, stderr = interrupted(run)
    assert code == 130, stderr
    assert document.get("interrupted") is True or document.get("valid") is not None


def _handles(pid: int, signum: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    caught = next(line for line in status if line.startswith("SigCgt"))
    return bool(int(caught.split()[1], 16) & (1 << (signum - 1)))


def test_the_process_group_of_a_provider_is_ended_with_it(tmp_path: Path) -> None:
    script = (
        "import subprocess, sys\n"
        "from saas_ctl.engine.pulumi.processes import end_descendants\n"
        "child = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
        "print(child.pid, flush=True)\n"
        "end_descendants()\n"
    )
    from tests.conftest import REPO

    ran = subprocess.run(
        [os.sys.executable, "-c", script],  # type: ignore[attr-defined]
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    wait_until(lambda: not _alive(int(ran.stdout.split()[0])), "the child ended")
