"""What saasctl does in AWS around a tenant's deploy, through the real CLI with the in-memory engine plugged in and
saasctl's own AWS calls on a moto server: the tenant's database before its stack, the rollout wait after it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from tests import fakes
from tests.conftest import MINIMAL, REPO
from tests.fakes import TENANTS, deployed_platform
from tests.moto_server import ecs_service


def test_a_tenant_whose_database_cannot_be_made_is_not_deployed(
    runner: CliRunner,
    engine: fakes.MemoryEngine,
    moto_env: str,
    monkeypatch: pytest.MonkeyPatch,
    write_spec: Callable[[str], Path],
) -> None:
    # The role and database are made before the stack, so the service's first tasks find them; when they cannot be
    # made, the stack is not deployed at all.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("AWS_ENDPOINT_URL_RDS_DATA", f"http://127.0.0.1:{closed.getsockname()[1]}")
        deployed_platform(engine)
        result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(write_spec(MINIMAL)), "--yes", "--json"])
    assert result.exit_code == 1
    [acme] = json.loads(result.stdout)["results"]
    assert (acme["status"], acme["error_kind"]) == ("failed", "database")
    assert acme["error"].startswith("saas-dev-tenants/acme: database: SELECT datname FROM pg_database WHERE ")
    assert ("up", f"{TENANTS}/acme") not in engine.calls


def test_ctrl_c_while_waiting_for_the_rollout_ends_the_wait_with_exit_130(
    offline: Path, moto: str, tmp_path: Path
) -> None:
    ecs_service(moto)  # moto never completes a deployment: the wait would last its whole timeout
    spec = tmp_path / "tenants.yaml"
    spec.write_text(MINIMAL)
    environment = {
        **os.environ,
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "SAASCTL_ENGINE": "tests.fakes:deployed_engine",
        "SAASCTL_ROLLOUT_TIMEOUT": "600",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "saas_ctl", "tenant", "up", "acme", "-f", str(spec), "--yes", "--skip-preflight"],
        cwd=REPO,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "waiting for the service to become healthy" in line:
            break
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=60)  # the wait itself would last 600 s
    assert process.returncode == 130, "".join(seen) + rest
    assert (
        "acme: cancelled (saas-dev-tenants/acme: service saas-acme-dev cancelled: the command was interrupted" in rest
    )
