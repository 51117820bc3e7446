"""Cells on the real Pulumi engine: a full cell makes `tenant add` create the next ALB first and route the new
tenant through it; a move replaces only the tenant's rule and target group; nothing else is touched."""

from __future__ import annotations

from tests.integration.conftest import RealEngine, ops, requires_pulumi

pytestmark = [requires_pulumi]


def _listener(calls: list[dict[str, object]], name: str) -> str:
    [created] = [c for c in calls if c["op"] == "create" and c["name"] == name]
    return str(created["id"])


def test_a_full_cell_opens_a_new_alb_and_moves_no_one(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    real.edit_spec("defaults:\n", "  load_balancer: {tenants_per_cell: 1}\ndefaults:\n")
    real.ok("platform", "up")
    real.ok("tenant", "add", "acme")

    mark = real.mark()
    added = real.ok("tenant", "add", "globex", "--json").json()
    assert [(r["stack"], r["status"]) for r in added["results"]] == [("test", "succeeded"), ("globex", "succeeded")]
    touched = real.calls_since(mark)
    platform_created = ops(touched, "create", "itest-platform")
    assert sorted(platform_created) == ["load-balancer-cell-2-alb", "load-balancer-cell-2-http"]
    assert ops(touched, "update") == [] and ops(touched, "delete") == []  # no resource of acme or cell 1 changed
    [alb] = [c for c in touched if c["op"] == "create" and c["name"] == "load-balancer-cell-2-alb"]
    assert alb["inputs"]["name"] == "itest-test-alb-2"
    [rule] = [c for c in touched if c["op"] == "create" and c["name"] == "routing-rule"]
    assert rule["inputs"]["listenerArn"] == _listener(touched, "load-balancer-cell-2-http")
    assert "cell: 2" in (real.workdir / "tenants.yaml").read_text()

    cells = real.ok("platform", "outputs", "--json").json()["cells"]
    assert [(c["cell"], c["tenants"], c["deployed"]) for c in cells] == [(1, 1, True), (2, 1, True)]


def test_moving_a_tenant_replaces_only_its_rule_and_target_group(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    real.edit_spec("defaults:\n", "  load_balancer: {cells: 2}\ndefaults:\n")
    real.ok("platform", "up")
    real.ok("tenant", "add", "acme")  # both cells empty: acme goes to cell 1
    everything = real.calls()

    mark = real.mark()
    real.ok("tenant", "move", "acme", "--cell", "2", "--yes")
    touched = real.calls_since(mark)
    assert sorted(ops(touched, "create")) == ["routing-rule", "routing-targets"]
    assert ops(touched, "update") == ["service-service"]
    assert sorted(ops(touched, "delete")) == ["routing-rule", "routing-targets"]
    [group] = [c for c in touched if c["op"] == "create" and c["name"] == "routing-targets"]
    assert group["inputs"]["name"] == "itest-acme-test-c2-80"
    [rule] = [c for c in touched if c["op"] == "create" and c["name"] == "routing-rule"]
    assert rule["inputs"]["listenerArn"] == _listener(everything, "load-balancer-cell-2-http")
    assert [o for o in (c["op"] for c in touched) if o not in ("create", "update", "delete", "read")] == []
