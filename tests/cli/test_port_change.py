"""A container port change through the real app and the engine seam (README "Changing a tenant's port without an
outage"): a deploy of a tenant whose stack serves another port than the file says runs two passes, the second
only once the new port's target group is healthy; whatever deploys the tenant (`tenant up`, `apply`) does so."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saas_ctl.aws import cutover
from saas_ctl.cli.main import app
from saas_ctl.engine.base import StackTarget
from saas_ctl.engine.synth.engine import synthesize
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.loader import load
from saas_ctl.stacks.port_change import deployed_port
from tests import fakes
from tests.conftest import fleet_yaml, spec_of
from tests.fakes import TENANTS

FLEET = fleet_yaml(2)
ON_8080 = FLEET.replace("  - name: t0001\n", "  - name: t0001\n    container_port: 8080\n")


class _Health:
    """The new port's target-group health as the deploy reads it, with the engine's ups at each read."""

    def __init__(self, engine: fakes.MemoryEngine, answers: list[str | None]) -> None:
        self.engine, self.answers = engine, answers
        self.reads: list[tuple[str, list[str]]] = []

    def reader(self, session: object, region: str) -> Callable[[str], str | None]:
        def read(arn: str) -> str | None:
            self.reads.append((arn, [label for op, label in self.engine.calls if op == "up"]))
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

        return read


def _served_on_80(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Both tenants deployed on port 80, then t0001's port set to 8080 in the file. Each tenant stack's outputs are
    what its program exports (run under mocks): the port it serves, and during a first pass where it switches to."""
    plain = engine._outputs_for

    def exported(target: StackTarget) -> dict[str, Any]:
        return {**plain(target), **synthesize(target).outputs} if target.kind == "tenant" else plain(target)

    monkeypatch.setattr(engine, "_outputs_for", exported)
    path = write_spec(FLEET)
    runner.invoke(app, ["platform", "up", "-f", str(path)])
    runner.invoke(app, ["tenant", "up", "--all", "-f", str(path)])
    engine.calls.clear()
    path.write_text(ON_8080)
    monkeypatch.setattr(cutover, "POLL_SECONDS", 0.0)
    return path


NEW_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/saas-t0001-dev-8080/0"


def test_a_port_change_deploys_in_two_passes_the_second_once_the_new_group_is_healthy(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    health = _Health(engine, ["0 of 0 targets", None])
    monkeypatch.setattr(cutover, "health_reader", health.reader)
    result = runner.invoke(app, ["tenant", "up", "t0001", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert [label for op, label in engine.calls if op == "up"] == [f"{TENANTS}/t0001"] * 2
    # Both reads, of the new port's group, came after the first pass and before the second.
    assert health.reads == [(NEW_GROUP, [f"{TENANTS}/t0001"])] * 2
    document = json.loads(result.stdout)
    assert document["port_changes"] == [
        {"tenant": "t0001", "from_port": 80, "port": 8080, "switched": True, "health_reads": 2}
    ]
    assert [(r["tenant"], r["status"]) for r in document["results"]] == [("t0001", "succeeded")] * 2


def test_a_port_change_whose_new_group_never_gets_healthy_is_not_switched(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    monkeypatch.setattr(cutover, "health_reader", _Health(engine, ["1 of 1 targets not healthy"]).reader)
    monkeypatch.setenv("SAASCTL_ROLLOUT_TIMEOUT", "0.01")
    result = runner.invoke(app, ["tenant", "up", "t0001", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 1
    assert [label for op, label in engine.calls if op == "up"] == [f"{TENANTS}/t0001"]  # no second pass
    document = json.loads(result.stdout)
    assert document["port_changes"][0]["switched"] is False
    [failed] = document["results"]
    assert failed["error"] == (
        "t0001: port 8080's target group is not healthy after 0 s: 1 of 1 targets not healthy; the listener rule"
        f" still forwards to port 80's, which serves the tenant: `saasctl tenant up t0001 -f {path}` runs the change"
        " again"
    )
    assert document["retry"] == f"saasctl tenant up t0001 -f {path}"


def test_apply_runs_the_port_change_in_two_passes_and_the_other_tenants_once(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    monkeypatch.setattr(cutover, "health_reader", _Health(engine, [None]).reader)
    result = runner.invoke(app, ["apply", "--all", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    tenant_ups = [label for op, label in engine.calls if op == "up" and label.startswith(TENANTS)]
    assert tenant_ups[0] == f"{TENANTS}/t0001"  # the first pass, before anything else
    assert sorted(tenant_ups[1:]) == [f"{TENANTS}/t0001", f"{TENANTS}/t0002"]
    assert [c["tenant"] for c in json.loads(result.stdout)["port_changes"]] == ["t0001"]


def test_tenant_set_port_writes_the_port_and_deploys_it_in_two_passes(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    path.write_text(FLEET)
    monkeypatch.setattr(cutover, "health_reader", _Health(engine, [None]).reader)
    result = runner.invoke(app, ["tenant", "set", "t0001", "--port", "8080", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert load(path).spec.tenants[0].container_port == 8080
    assert [label for op, label in engine.calls if op == "up"] == [f"{TENANTS}/t0001"] * 2
    assert json.loads(result.stdout)["port_changes"][0]["switched"] is True


def test_tenant_set_port_refuses_a_port_that_is_not_one_naming_the_flag(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(FLEET)
    result = runner.invoke(app, ["tenant", "set", "t0001", "--port", "70000", "--no-deploy", "-f", str(path)])
    assert result.exit_code == 2
    assert "--port" in result.stderr and path.read_text() == FLEET


def test_a_tenant_whose_stack_serves_the_files_port_deploys_in_one_pass(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    result = runner.invoke(app, ["tenant", "up", "t0002", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert [label for op, label in engine.calls if op == "up"] == [f"{TENANTS}/t0002"]
    assert "port_changes" not in json.loads(result.stdout)


SUSPENDED_ON_8080 = ON_8080.replace("    container_port: 8080\n", "    container_port: 8080\n    suspended: true\n")


def test_a_suspended_tenants_port_change_is_refused_before_anything_is_touched(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its rule answers the suspended page: ECS refuses a service given a target group no rule forwards to.
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    path.write_text(SUSPENDED_ON_8080)
    result = runner.invoke(app, ["tenant", "up", "t0001", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 2
    assert [op for op, _ in engine.calls if op in ("up", "preview")] == []
    assert json.loads(result.stdout)["error"] == (
        "tenant t0001 is suspended: its target groups have no listener rule forwarding to them, and ECS refuses a"
        " service change that adds one (InvalidParameterException: the target group does not have an associated"
        " load balancer); refusing to change its port from 80 to 8080, nothing was changed"
    )


def test_tenant_set_port_of_a_suspended_tenant_is_refused_and_the_file_is_left_as_it_was(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    suspended = FLEET.replace("  - name: t0001\n", "  - name: t0001\n    suspended: true\n")
    path.write_text(suspended)
    result = runner.invoke(app, ["tenant", "set", "t0001", "--port", "8080", "--yes", "-f", str(path)])
    assert result.exit_code == 2
    assert [op for op, _ in engine.calls if op in ("up", "preview")] == []
    assert path.read_text() == suspended
    assert "refusing to change its port from 80 to 8080, nothing was changed" in result.stderr


def test_apply_refuses_a_suspended_tenants_port_change_before_deploying_any_stack(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    path.write_text(SUSPENDED_ON_8080)
    result = runner.invoke(app, ["apply", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 2
    assert [op for op, _ in engine.calls if op in ("up", "preview", "destroy")] == []
    assert json.loads(result.stdout)["error"].startswith("tenant t0001 is suspended: its target groups")


def test_a_tenant_the_file_resumes_changes_port_in_the_same_one_pass_deploy(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Suspended in its stack only: the deploy makes its rule forward to the new port's group before the service
    # changes (it depends on the rules), and no task serves the previous port: nothing to keep serving.
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    engine.stacks[TENANTS]["t0001"]["suspended"] = True  # deployed suspended, on port 80; the file says 8080
    result = runner.invoke(app, ["tenant", "up", "t0001", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert [label for op, label in engine.calls if op == "up"] == [f"{TENANTS}/t0001"]


# ---- the deployed port ------------------------------------------------------------------------------------------

GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{}/0123456789abcdef"


@pytest.mark.parametrize(
    ("outputs", "port"),
    [
        ({"container_port": 8080, "target_group_arn": GROUP.format("saas-t0001-dev-80")}, 8080),
        ({"target_group_arn": GROUP.format("saas-t0001-dev-80")}, 80),  # deployed before the output existed
        ({"target_group_arn": GROUP.format("saas-t0001-dev-c2-3000"), "cell": 2}, 3000),
        ({"target_group_arn": GROUP.format("saas-t0001-dev-1a2b3c4d5e6f")}, None),  # shortened with a hash
        ({}, None),
    ],
)
def test_the_deployed_port_is_the_recorded_one_else_the_one_the_target_group_is_named_for(
    outputs: dict[str, Any], port: int | None
) -> None:
    assert deployed_port(spec_of(FLEET), "t0001", outputs) == port


def test_a_move_with_a_port_change_in_the_file_changes_the_port_in_the_previous_cell_first(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.platform_cells = 2
    path = _served_on_80(runner, engine, write_spec, monkeypatch)
    health = _Health(engine, [None])
    monkeypatch.setattr(cutover, "health_reader", health.reader)
    result = runner.invoke(app, ["tenant", "move", "t0001", "--cell", "2", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    # The port's two passes (both cells routed in the second), the move's wait, then the move's last pass.
    assert [label for op, label in engine.calls if op == "up" and label.startswith(TENANTS)] == [f"{TENANTS}/t0001"] * 3
    assert [arn.rsplit("/", 2)[1] for arn, _ in health.reads] == ["saas-t0001-dev-8080", "saas-t0001-dev-c2-8080"]
    document = json.loads(result.stdout)
    assert (document["switched"], document["port_changes"][0]["switched"]) == (True, True)


def test_a_port_change_interrupted_between_its_passes_is_finished_by_the_next_tenant_up(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _served_on_80(runner, engine, write_spec, monkeypatch)

    def interrupted(session: Session, region: str) -> Callable[[str], str | None]:
        def read(arn: str) -> str | None:
            session.cancellation.cancel()  # Ctrl-C during the wait
            return "0 of 0 targets"

        return read

    monkeypatch.setattr(cutover, "health_reader", interrupted)
    first = json.loads(runner.invoke(app, ["tenant", "up", "t0001", "--yes", "-f", str(path), "--json"]).stdout)
    assert [r["status"] for r in first["results"]] == ["cancelled"]  # the first pass's, the second never ran
    assert first["port_changes"][0]["switched"] is False
    assert engine.stacks[TENANTS]["t0001"]["container_port"] == 80  # still served on the previous port
    engine.calls.clear()
    monkeypatch.setattr(cutover, "health_reader", _Health(engine, [None]).reader)
    again = runner.invoke(app, ["tenant", "up", "t0001", "--yes", "-f", str(path), "--json"])
    assert again.exit_code == 0, again.stderr
    assert [label for op, label in engine.calls if op == "up"] == [f"{TENANTS}/t0001"] * 2
    assert json.loads(again.stdout)["port_changes"][0]["switched"] is True
    assert engine.stacks[TENANTS]["t0001"]["container_port"] == 8080
