"""Cells through the real app: where `tenant add` puts a tenant, the platform first for a new cell, moves,
and what `tenant list`, `tenant show` and `platform outputs` say about cells."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.outputs import SUSPENDED_OUTPUT
from saas_ctl.aws import cutover
from saas_ctl.cli.main import app
from saas_ctl.spec.loader import load
from tests import fakes
from tests.conftest import MINIMAL, fleet_yaml
from tests.fakes import TENANTS, deployed_platform

PLATFORM = "saas-platform/dev"
FULL = fleet_yaml(2, tenants_per_cell=2)  # cell 1 holds its two tenants: the next one opens cell 2


def test_tenant_add_to_a_full_fleet_opens_a_cell_and_brings_the_platform_up_first(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)  # one cell
    engine.platform_cells = 2  # what the platform program makes of the new file
    path = write_spec(FULL)
    result = runner.invoke(app, ["tenant", "add", "newco", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    newco = load(path).spec.tenants[-1]
    assert (newco.name, newco.cell, newco.priority) == ("newco", 2, 1)
    ups = [label for op, label in engine.calls if op == "up"]
    assert ups == [PLATFORM, f"{TENANTS}/newco"]


def test_tenant_add_with_room_in_a_deployed_cell_leaves_the_platform_alone(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    path = write_spec(fleet_yaml(1, tenants_per_cell=2))
    result = runner.invoke(app, ["tenant", "add", "newco", "-f", str(path)])
    assert result.exit_code == 0, result.stderr
    assert [label for op, label in engine.calls if op == "up"] == [f"{TENANTS}/newco"]


def test_a_failed_platform_up_for_a_new_cell_deploys_no_tenant(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    engine.failures[("up", PLATFORM)] = "LoadBalancerLimitExceeded"
    path = write_spec(FULL)
    result = runner.invoke(app, ["tenant", "add", "newco", "-f", str(path)])
    assert result.exit_code == 1
    assert [label for op, label in engine.calls if op == "up"] == [PLATFORM]


def test_previewing_a_tenant_in_an_undeployed_cell_is_refused_saying_how_to_create_it(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    result = runner.invoke(app, ["tenant", "preview", "t0003", "-f", str(path)])
    assert result.exit_code == 2
    assert "tenant t0003 is in cell 2, which the deployed platform does not have yet (its cells: 1)" in result.stderr
    assert f"`saasctl platform up -f {path}` (or `saasctl apply -f {path}`) creates it" in result.stderr
    assert [c for c in engine.calls if c[0] == "preview"] == []


def test_tenant_list_shows_each_tenants_cell(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    rows = json.loads(runner.invoke(app, ["tenant", "list", "--declared", "--json", "-f", str(path)]).stdout)
    assert [(t["name"], t["cell"]) for t in rows["tenants"]] == [("t0001", 1), ("t0002", 1), ("t0003", 2)]
    piped = runner.invoke(app, ["tenant", "list", "--declared", "-f", str(path)]).stdout
    assert [line.split("\t")[:4] for line in piped.splitlines()] == [
        ["t0001", "-", "t0001.example.com", "1"],
        ["t0002", "-", "t0002.example.com", "1"],
        ["t0003", "-", "t0003.example.com", "2"],
    ]


def test_platform_outputs_lists_every_cell_with_its_dns_name_and_how_full_it_is(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    engine.platform_cells = 2
    path = write_spec(fleet_yaml(3, tenants_per_cell=2, load_balancer="cells: 3"))
    assert runner.invoke(app, ["platform", "up", "-f", str(path)]).exit_code == 0
    result = runner.invoke(app, ["platform", "outputs", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["cells"] == [
        {
            "cell": 1,
            "tenants": 2,
            "capacity": 2,
            "room": 0,
            "deployed": True,
            "load_balancer_dns_name": "saas-dev-alb-0.us-east-1.elb.amazonaws.com",
        },
        {
            "cell": 2,
            "tenants": 1,
            "capacity": 2,
            "room": 1,
            "deployed": True,
            "load_balancer_dns_name": "saas-dev-alb-2-0.us-east-1.elb.amazonaws.com",
        },
        {"cell": 3, "tenants": 0, "capacity": 2, "room": 2, "deployed": False, "load_balancer_dns_name": None},
    ]
    human = runner.invoke(app, ["platform", "outputs", "-f", str(path)]).stdout
    assert "  cell 2: 1 of 2 tenants (1 free)  saas-dev-alb-2-0.us-east-1.elb.amazonaws.com\n" in human
    assert (
        f"  cell 3: 0 of 2 tenants (2 free)  not deployed yet (`saasctl platform up -f {path}` creates it)\n" in human
    )


def test_tenant_show_gives_the_dns_name_of_the_tenants_own_cell(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    engine.platform_cells = 2
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    runner.invoke(app, ["platform", "up", "-f", str(path)])
    view = json.loads(runner.invoke(app, ["tenant", "show", "t0003", "-f", str(path), "--json"]).stdout)
    assert view["settings"]["cell"] == 2
    assert view["dns"]["records"] == [
        {"name": "t0003.example.com", "type": "CNAME", "value": "saas-dev-alb-2-0.us-east-1.elb.amazonaws.com"}
    ]


def test_tenant_move_without_yes_off_a_terminal_changes_nothing(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    before = path.read_text()
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "-f", str(path)])
    assert result.exit_code == 2
    assert "Refusing without --yes" in result.stderr
    assert path.read_text() == before


def test_tenant_move_writes_the_cell_and_deploys_the_tenant_there(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    engine.platform_cells = 2
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    runner.invoke(app, ["platform", "up", "-f", str(path)])
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    moved = load(path).spec.tenants[0]
    assert (moved.cell, moved.priority) == (2, 2)  # priority 1 is t0003's in cell 2
    assert [label for op, label in engine.calls if op == "up"][-1] == f"{TENANTS}/t0001"
    assert json.loads(result.stdout)["moved"] == "t0001"


def test_tenant_move_to_a_cell_that_does_not_exist_is_refused(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "5", "--no-deploy", "-f", str(path)])
    assert result.exit_code == 2
    assert "cell 5 does not exist: the environment has cells 1-2" in result.stderr
    assert "or to 3 to open a new cell" in result.stderr


def test_tenant_move_no_deploy_only_edits_the_file(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    result = runner.invoke(app, ["tenant", "move", "t0002", "--cell", "3", "--no-deploy", "-f", str(path)])
    assert result.exit_code == 0, result.stderr
    assert load(path).spec.tenants[1].cell == 3
    assert engine.calls == []


def test_platform_outputs_of_a_platform_not_deployed_says_so_with_the_cells_the_file_asks_for(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    result = runner.invoke(app, ["platform", "outputs", "-f", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"platform stack saas-platform/dev: not deployed (`saasctl platform up -f {path}` creates it)",
        "cells:",
        f"  cell 1: 2 of 2 tenants (0 free)  not deployed yet (`saasctl platform up -f {path}` creates it)",
        f"  cell 2: 1 of 2 tenants (1 free)  not deployed yet (`saasctl platform up -f {path}` creates it)",
    ]
    document = json.loads(runner.invoke(app, ["platform", "outputs", "-f", str(path), "--json"]).stdout)
    assert (document["deployed"], document["outputs"], len(document["cells"])) == (False, {}, 2)


def test_platform_outputs_of_a_stack_left_empty_by_a_failed_first_deploy_is_not_deployed(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    engine.deploy("saas-platform", "dev", {})  # the stack exists, its outputs were never registered
    document = json.loads(runner.invoke(app, ["platform", "outputs", "-f", str(write_spec(MINIMAL)), "--json"]).stdout)
    assert document["deployed"] is False


def test_tenant_add_whose_new_cell_fails_prints_the_retry_and_how_the_file_differs(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    engine.failures[("up", PLATFORM)] = "LoadBalancerLimitExceeded"
    path = write_spec(FULL)
    result = runner.invoke(app, ["tenant", "add", "newco", "-f", str(path), "--json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["retry"] == f"saasctl tenant up newco -f {path}"
    assert document["file_differs"] == "newco is declared but not deployed"
    newco = document["results"][-1]
    assert (newco["tenant"], newco["status"]) == ("newco", "failed")
    assert newco["error"] == "newco: not deployed: the platform update that opens its cell 2 failed"


def test_tenant_move_to_a_new_cell_that_fails_says_where_the_tenant_is_still_served(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(fleet_yaml(2, tenants_per_cell=2))
    runner.invoke(app, ["platform", "up", "-f", str(path)])
    runner.invoke(app, ["tenant", "up", "--all", "-f", str(path)])
    engine.failures[("up", PLATFORM)] = "LoadBalancerLimitExceeded"
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "--yes", "-f", str(path)])
    assert result.exit_code == 1
    assert f"retry the failed ones: saasctl tenant move t0001 --cell 2 -f {path}" in result.stderr
    assert f"tenant t0001 stays in cell 1 in {path} and is served from there" in result.stderr
    assert load(path).spec.tenants[0].cell == 1


class _Health:
    """The new cell's target-group health as the move reads it, with the engine's calls at each read."""

    def __init__(self, engine: fakes.MemoryEngine, answers: list[str | None]) -> None:
        self.engine, self.answers = engine, answers
        self.reads: list[list[tuple[str, str]]] = []

    def reader(self, session: object, region: str) -> Callable[[str], str | None]:
        def read(arn: str) -> str | None:
            self.reads.append(list(self.engine.calls))
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

        return read


def _deployed_fleet(runner: CliRunner, write_spec: Callable[[str], Path], engine: fakes.MemoryEngine) -> Path:
    engine.platform_cells = 2
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    runner.invoke(app, ["platform", "up", "-f", str(path)])
    runner.invoke(app, ["tenant", "up", "--all", "-f", str(path)])
    engine.calls.clear()
    return path


def test_a_deployed_tenant_moves_in_two_passes_the_second_only_after_the_new_cell_is_healthy(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _deployed_fleet(runner, write_spec, engine)
    health = _Health(engine, ["0 of 0 targets", None])
    monkeypatch.setattr(cutover, "health_reader", health.reader)
    monkeypatch.setattr(cutover, "POLL_SECONDS", 0.0)
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    ups = [label for op, label in engine.calls if op == "up"]
    assert ups == [f"{TENANTS}/t0001", f"{TENANTS}/t0001"]
    # Both reads came after the first pass and before the second.
    assert [[label for op, label in calls if op == "up"] for calls in health.reads] == [[f"{TENANTS}/t0001"]] * 2
    document = json.loads(result.stdout)
    assert (document["moved"], document["from_cell"], document["cell"], document["switched"]) == ("t0001", 1, 2, True)
    assert document["health_reads"] == 2
    assert load(path).spec.tenants[0].cell == 2


def test_a_move_whose_new_cell_never_gets_healthy_keeps_the_tenant_and_the_file_in_its_cell(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _deployed_fleet(runner, write_spec, engine)
    monkeypatch.setattr(cutover, "health_reader", _Health(engine, ["1 of 1 targets not healthy"]).reader)
    monkeypatch.setattr(cutover, "POLL_SECONDS", 0.0)
    monkeypatch.setenv("SAASCTL_ROLLOUT_TIMEOUT", "0.01")
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 1
    assert [label for op, label in engine.calls if op == "up"] == [f"{TENANTS}/t0001"]  # no second pass
    assert load(path).spec.tenants[0].cell == 1
    assert "DNS and the listener rule were not switched" in result.stderr + result.stdout


def test_with_dns_a_move_switches_dns_then_removes_the_old_cells_rule_after_the_cache_time(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.platform_cells = 2
    text = fleet_yaml(3, tenants_per_cell=2).replace(
        "  domain: example.com\n", "  domain: example.com\n  dns: {zone_id: Z0123456789ABC}\n"
    )
    path = write_spec(text)
    runner.invoke(app, ["platform", "up", "-f", str(path)])
    runner.invoke(app, ["tenant", "up", "--all", "-f", str(path)])
    engine.calls.clear()
    monkeypatch.setattr(cutover, "health_reader", _Health(engine, [None]).reader)
    monkeypatch.setattr(cutover, "DNS_DRAIN_SECONDS", 0.0)
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    # Both cells routed; DNS switched with both still routed; the previous cell's routing removed.
    assert [label for op, label in engine.calls if op == "up"] == [f"{TENANTS}/t0001"] * 3
    assert json.loads(result.stdout)["switched"] is True


def _suspended_t0001(path: Path, engine: fakes.MemoryEngine) -> str:
    """t0001 suspended in the file and in its deployed stack; the file's text, as it stands."""
    path.write_text(path.read_text().replace("  - name: t0001\n", "  - name: t0001\n    suspended: true\n"))
    engine.outputs_added[f"{TENANTS}/t0001"] = {SUSPENDED_OUTPUT: True}
    engine.deploy(TENANTS, "t0001", {SUSPENDED_OUTPUT: True, "cell": 1})
    return path.read_text()


def test_moving_a_suspended_tenant_is_refused_before_anything_is_touched(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    # Its rules answer the suspended page: ECS refuses a service given a target group no rule forwards to.
    path = _deployed_fleet(runner, write_spec, engine)
    written = _suspended_t0001(path, engine)
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 2
    assert [op for op, _ in engine.calls if op in ("up", "preview", "destroy")] == []
    assert path.read_text() == written
    assert json.loads(result.stdout)["error"] == (
        "tenant t0001 is suspended: its target groups have no listener rule forwarding to them, and ECS refuses a"
        " service change that adds one (InvalidParameterException: the target group does not have an associated"
        " load balancer); refusing to move it from cell 1 to cell 2, nothing was changed"
    )
    assert json.loads(result.stdout)["hint"] == (
        f"run `saasctl tenant resume t0001 -f {path}` first, then move it / change its port, then"
        f" `saasctl tenant suspend t0001 -f {path}` again"
    )


def test_a_tenant_the_file_resumes_moves_in_the_same_deploy(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Suspended in its stack only: the deploy makes its new rule forward before the service changes (it depends
    # on the rules), so ECS accepts the service's new target group.
    path = _deployed_fleet(runner, write_spec, engine)
    engine.deploy(TENANTS, "t0001", {SUSPENDED_OUTPUT: True, "cell": 1})
    monkeypatch.setattr(cutover, "health_reader", _Health(engine, [None]).reader)
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert load(path).spec.tenants[0].cell == 2


def test_a_suspended_tenant_never_deployed_is_moved_in_the_file_only(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    engine.platform_cells = 2
    path = write_spec(
        fleet_yaml(3, tenants_per_cell=2).replace("  - name: t0001\n", "  - name: t0001\n    suspended: true\n")
    )
    runner.invoke(app, ["platform", "up", "-f", str(path)])
    engine.calls.clear()
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert [op for op, _ in engine.calls if op in ("up", "preview", "destroy")] == []
    assert (load(path).spec.tenants[0].cell, json.loads(result.stdout)["deployed"]) == (2, False)
