"""An engine written outside saasctl, plugged in with SAASCTL_ENGINE=module:attribute, driving the real CLI in
separate processes (as a user's engine would), with its state in a JSON file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, REPO

ENGINE = """
import json, pathlib
from saas_ctl.engine.base import StackResult, Status, Operation
from infra.outputs import PlatformOutputs

STATE = pathlib.Path("engine-state.json")

class FileEngine:
    def _load(self):
        return json.loads(STATE.read_text()) if STATE.exists() else {"stacks": {}, "fail": []}
    def _save(self, state):
        STATE.write_text(json.dumps(state))
    def _op(self, op, target):
        state = self._load()
        if f"{op}:{target.label}" in state["fail"]:
            return StackResult(target, op, Status.FAILED, error=f"{target.label}: injected failure")
        if op is Operation.UP:
            outputs = PlatformOutputs.placeholder("us-east-1", "x").as_dict() if target.kind == "platform" else {}
            state["stacks"][target.label] = outputs
        if op is Operation.DESTROY:
            state["stacks"].pop(target.label, None)
        self._save(state)
        return StackResult(target, op, Status.SUCCEEDED, {"create": 1})
    def preview(self, target, on_event=None): return self._op(Operation.PREVIEW, target)
    def up(self, target, on_event=None): return self._op(Operation.UP, target)
    def destroy(self, target, on_event=None): return self._op(Operation.DESTROY, target)
    def refresh(self, target, on_event=None): return self._op(Operation.REFRESH, target)
    def outputs(self, target): return self._load()["stacks"].get(target.label, {})
    def list_stacks(self, project):
        return sorted(l.split("/", 1)[1] for l in self._load()["stacks"] if l.startswith(project + "/"))
"""


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "my_engine.py").write_text(ENGINE)
    (tmp_path / "tenants.yaml").write_text(MINIMAL)
    return tmp_path


def saasctl(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SAASCTL_ENGINE": "my_engine:FileEngine",
        "PYTHONPATH": f"{workdir}{os.pathsep}{REPO}",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "none"),
        "AWS_CONFIG_FILE": str(workdir / "none"),
    }
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        env.pop(key, None)
    return subprocess.run(
        [sys.executable, "-m", "saas_ctl", *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_users_engine_drives_the_whole_lifecycle(workdir: Path) -> None:
    assert saasctl(workdir, "tenant", "up", "acme").returncode == 2  # refused: no platform yet
    assert saasctl(workdir, "platform", "up").returncode == 0
    added = saasctl(workdir, "tenant", "add", "initech", "--json")
    assert added.returncode == 0, added.stderr
    listed = json.loads(saasctl(workdir, "tenant", "list", "--json").stdout)["tenants"]
    assert [(t["name"], t["state"]) for t in listed] == [("acme", "not deployed"), ("initech", "deployed")]
    refused = saasctl(workdir, "platform", "destroy", "--yes")
    assert (refused.returncode, refused.stderr.splitlines()[0]) == (
        2,
        "error: refusing to destroy the platform while 1 tenant stack(s) exist: initech",
    )

    state = json.loads((workdir / "engine-state.json").read_text())
    state["fail"] = ["destroy:saas-dev-tenants/initech"]
    (workdir / "engine-state.json").write_text(json.dumps(state))
    failed = saasctl(workdir, "tenant", "destroy", "initech", "--yes")
    assert failed.returncode == 1
    assert "failed: saas-dev-tenants/initech: injected failure" in failed.stderr
    assert "name: initech" in (workdir / "tenants.yaml").read_text()
