"""An engine written outside saasctl, plugged in with SAASCTL_ENGINE=module:attribute, driving the real CLI in
separate processes (as a user's engine would), with its state in a JSON file."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, REPO, offline_environment

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
        state.setdefault("log", []).append(f"{op}:{target.label}")
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


def _env(workdir: Path) -> dict[str, str]:
    return {
        **offline_environment(workdir),
        "SAASCTL_ENGINE": "my_engine:FileEngine",
        "PYTHONPATH": f"{workdir}{os.pathsep}{REPO}",
    }


def saasctl(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "saas_ctl", *args],
        cwd=workdir,
        env=_env(workdir),
        capture_output=True,
        stdin=subprocess.DEVNULL,  # not a terminal, whoever runs the tests
        text=True,
        timeout=120,
    )


def on_a_terminal(workdir: Path, answer: str, *args: str) -> subprocess.CompletedProcess[str]:
    """saasctl with a pseudo-terminal as stdin (a person at a terminal) who types ``answer``."""
    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "saas_ctl", *args],
            cwd=workdir,
            env=_env(workdir),
            stdin=secondary,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(main, f"{answer}\n".encode())
        stdout, stderr = process.communicate(timeout=120)
    finally:
        os.close(secondary)
        os.close(main)
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


def engine_log(workdir: Path) -> list[str]:
    state = workdir / "engine-state.json"
    return list(json.loads(state.read_text()).get("log", [])) if state.exists() else []


def test_on_a_terminal_platform_up_previews_asks_and_changes_nothing_on_no(workdir: Path) -> None:
    result = on_a_terminal(workdir, "n", "platform", "up")
    assert result.returncode == 1, result.stderr
    assert "the preview says:\n  saas-platform/dev: create 1\n" in result.stderr
    assert "Apply these changes to the platform?" in result.stderr
    assert "nothing was changed" in result.stderr
    assert engine_log(workdir) == ["preview:saas-platform/dev"]


def test_on_a_terminal_platform_up_goes_ahead_on_yes(workdir: Path) -> None:
    result = on_a_terminal(workdir, "y", "platform", "up")
    assert result.returncode == 0, result.stderr
    assert engine_log(workdir) == ["preview:saas-platform/dev", "up:saas-platform/dev"]


def test_yes_skips_the_question_on_a_terminal(workdir: Path) -> None:
    assert on_a_terminal(workdir, "", "platform", "up", "--yes").returncode == 0
    assert engine_log(workdir) == ["up:saas-platform/dev"]


def test_off_a_terminal_nothing_is_asked(workdir: Path) -> None:
    assert saasctl(workdir, "platform", "up").returncode == 0
    assert engine_log(workdir) == ["up:saas-platform/dev"]


def test_apply_dry_run_only_previews(workdir: Path) -> None:
    assert saasctl(workdir, "platform", "up").returncode == 0
    assert saasctl(workdir, "tenant", "add", "initech").returncode == 0
    before = len(engine_log(workdir))
    result = saasctl(workdir, "apply", "--dry-run", "--prune", "--parallel", "1", "--json")
    assert result.returncode == 0, result.stderr
    assert [entry.split(":")[0] for entry in engine_log(workdir)[before:]] == ["preview"] * 3
    document = json.loads(result.stdout)
    assert (document["dry_run"], [r["operation"] for r in document["results"]]) == (True, ["preview"] * 3)


def test_on_a_terminal_tenant_add_asks_before_writing_the_file(workdir: Path) -> None:
    assert saasctl(workdir, "platform", "up").returncode == 0
    before = (workdir / "tenants.yaml").read_text()
    result = on_a_terminal(workdir, "n", "tenant", "add", "initech")
    assert result.returncode == 1, result.stderr
    assert "  saas-dev-tenants/initech: create 1\n" in result.stderr
    assert (workdir / "tenants.yaml").read_text() == before
    assert engine_log(workdir)[-1] == "preview:saas-dev-tenants/initech"


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
