"""What is deployed is read once per command: the platform stack's outputs and the tenant stack list, each asked
of the engine (a Pulumi CLI run, or a request to the backend) at most once, counted with the in-memory engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.cli.terminal import Terminal
from saas_ctl.orchestration.session import Session
from saas_ctl.stacks import state
from tests import fakes
from tests.conftest import MINIMAL, spec_of
from tests.fakes import TENANTS, deployed_platform

PLATFORM = "saas-platform/dev"


def reads(engine: fakes.MemoryEngine) -> dict[str, int]:
    return {
        "platform outputs": engine.calls.count(("outputs", PLATFORM)),
        "tenant stack lists": engine.calls.count(("list_stacks", TENANTS)),
    }


@pytest.fixture
def spec(write_spec: Callable[[str], Path]) -> Path:
    return write_spec(MINIMAL)


def test_tenant_add_off_a_terminal_reads_the_platform_and_the_tenant_stacks_once(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["tenant", "add", "initech", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert ("up", f"{TENANTS}/initech") in engine.calls
    assert reads(engine) == {"platform outputs": 1, "tenant stack lists": 1}


def test_tenant_add_at_a_terminal_reads_them_once_for_the_preview_and_the_deploy(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Terminal, "interactive", property(lambda self: True))
    deployed_platform(engine)
    result = runner.invoke(app, ["tenant", "add", "initech", "-f", str(spec)], input="y\n")
    assert result.exit_code == 0, result.stderr
    assert [("preview", f"{TENANTS}/initech"), ("up", f"{TENANTS}/initech")] == [
        call for call in engine.calls if call[0] in ("preview", "up")
    ]
    assert reads(engine) == {"platform outputs": 1, "tenant stack lists": 1}


def test_tenant_up_reads_the_platform_and_the_tenant_stacks_once(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert reads(engine) == {"platform outputs": 1, "tenant stack lists": 1}


def test_apply_reads_the_platform_again_only_after_changing_it(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["apply", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert reads(engine) == {"platform outputs": 2, "tenant stack lists": 1}


def test_a_part_of_the_deployed_state_no_one_asks_for_is_not_read(tmp_path: Path) -> None:
    engine = fakes.MemoryEngine()
    deployed = state.read(Session(engine, tmp_path / "t.yaml"), spec_of(MINIMAL))
    assert deployed.tenants == []
    assert reads(engine) == {"platform outputs": 0, "tenant stack lists": 1}


def test_after_a_platform_change_its_outputs_are_read_again_and_the_tenant_stacks_are_not(tmp_path: Path) -> None:
    engine = fakes.MemoryEngine()
    deployed_platform(engine)
    deployed = state.read(Session(engine, tmp_path / "t.yaml"), spec_of(MINIMAL))
    assert deployed.platform().cell_numbers() == deployed.platform().cell_numbers()
    assert deployed.tenants == deployed.tenants == []
    changed = deployed.platform_changed()
    changed.platform()
    assert changed.tenants == []
    assert reads(engine) == {"platform outputs": 2, "tenant stack lists": 1}


def test_a_tenant_is_resumed_when_its_stack_is_suspended_and_the_file_no_longer_says_so(tmp_path: Path) -> None:
    engine = fakes.MemoryEngine()
    engine.deploy(TENANTS, "acme", {"suspended": True})
    two = MINIMAL + "  - name: globex\n    priority: 11\n"
    engine.deploy(TENANTS, "globex", {"suspended": False})
    deployed = state.read(Session(engine, tmp_path / "t.yaml"), spec_of(two))
    assert deployed.resuming(spec_of(two), ["acme", "globex"]) == {"acme"}
    still = two.replace("    priority: 10\n", "    priority: 10\n    suspended: true\n")
    assert deployed.resuming(spec_of(still), ["acme", "globex"]) == set()


def test_a_tenant_never_deployed_is_not_resumed_and_its_outputs_are_not_read(tmp_path: Path) -> None:
    engine = fakes.MemoryEngine()
    deployed = state.read(Session(engine, tmp_path / "t.yaml"), spec_of(MINIMAL))
    assert deployed.resuming(spec_of(MINIMAL), ["acme"]) == set()
    assert not [call for call in engine.calls if call[0] == "outputs"]
