"""An engine that raises, wherever saasctl calls it, ends the command cleanly: one line, exit 1, one JSON
document under --json — never a traceback, and never a success."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.engine.base import Capabilities
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS, deployed_platform


class Broken(fakes.MemoryEngine):
    """The in-memory engine with one method that raises what the test asks."""

    capabilities = Capabilities(check_ready=True, cancel=True)
    broken: str = ""
    raising: BaseException = RuntimeError("stack select: AccessDenied")

    def check_ready(self) -> None:
        pass

    def __getattribute__(self, name: str) -> object:
        if name == object.__getattribute__(self, "broken"):
            error = object.__getattribute__(self, "raising")

            def fail(*_: object, **__: object) -> object:
                raise error

            return fail
        return object.__getattribute__(self, name)


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch, engine: fakes.MemoryEngine) -> Broken:
    replacement = Broken()
    monkeypatch.setattr(fakes, "ENGINE", replacement)
    return replacement


@pytest.fixture
def spec(write_spec: Callable[[str], Path]) -> Path:
    return write_spec(MINIMAL)


def test_outputs_raising_in_platform_outputs_is_one_json_error(runner: CliRunner, broken: Broken, spec: Path) -> None:
    broken.broken = "outputs"
    result = runner.invoke(app, ["platform", "outputs", "-f", str(spec), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "error": "the engine failed in outputs of saas-platform/dev: RuntimeError: stack select: AccessDenied",
        "hint": None,
    }


def test_check_ready_raising_in_tenant_up_is_one_line(runner: CliRunner, broken: Broken, spec: Path) -> None:
    deployed_platform(broken)
    broken.broken = "check_ready"
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "error: the engine failed in check_ready: RuntimeError: stack select: AccessDenied"
    )


def test_list_stacks_raising_in_tenant_list_leaves_the_state_unknown(
    runner: CliRunner, broken: Broken, spec: Path
) -> None:
    broken.broken = "list_stacks"
    result = runner.invoke(app, ["tenant", "list", "-f", str(spec), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["tenants"][0]["state"] is None
    assert "warning: deployed state unknown: the engine failed in list_stacks of saas-dev-tenants" in result.stderr


def test_an_engine_calling_sys_exit_during_up_is_a_failed_tenant_not_a_success(
    runner: CliRunner, broken: Broken, spec: Path
) -> None:
    deployed_platform(broken)
    broken.broken = "up"
    broken.raising = SystemExit(0)
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec), "--json"])
    assert result.exit_code == 1
    [acme] = json.loads(result.stdout)["results"]
    assert (acme["status"], acme["error"]) == (
        "failed",
        f"the engine failed in up of {TENANTS}/acme: SystemExit: 0",
    )
