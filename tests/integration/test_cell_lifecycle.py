"""Cells on the real Pulumi engine: a full cell makes `tenant add` create the next ALB first and route the new
tenant through it; a move replaces only the tenant's rule and target group; nothing else is touched."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.integration.conftest import (
    RealEngine,
    group_named,
    healthy,
    ops,
    released_tree,
    requires_pulumi,
    runs_of,
    vpc_subnets,
)
from tests.moto_server import client

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
    [rule] = [c for c in touched if c["op"] == "create" and c["name"] == "routing-cell2-rule"]
    assert rule["inputs"]["listenerArn"] == _listener(touched, "load-balancer-cell-2-http")
    assert "cell: 2" in (real.workdir / "tenants.yaml").read_text()

    cells = real.ok("platform", "outputs", "--json").json()["cells"]
    assert [(c["cell"], c["tenants"], c["deployed"]) for c in cells] == [(1, 1, True), (2, 1, True)]


def _serving(moto: str, host: str) -> tuple[str, ...]:
    """Which cells' load balancers forward ``host`` to a target group with a healthy target, now."""
    elbv2: Any = client(moto, "elbv2")
    found = []
    for balancer in elbv2.describe_load_balancers()["LoadBalancers"]:
        for listener in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]:
            for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                hosts = [v for c in rule.get("Conditions", []) for v in c.get("HostHeaderConfig", {}).get("Values", [])]
                groups = [a.get("TargetGroupArn") for a in rule["Actions"] if a["Type"] == "forward"]
                if host in hosts and any(healthy(elbv2, g) for g in groups if g):
                    found.append(balancer["LoadBalancerName"])
    return tuple(sorted(found))


def test_a_cell_move_serves_the_tenant_from_the_old_cell_until_the_new_one_is_healthy(
    real: RealEngine, moto: str
) -> None:
    # moto runs no task: the test registers the targets the service's tasks would (an address moto calls healthy),
    # in the old cell's group before the move and in the new cell's once the first pass has created it, and looks
    # at what a client reaching either load balancer with the tenant's host would get, all along.
    real.use_aws(moto)
    real.edit_spec("defaults:\n", "  load_balancer: {cells: 2}\ndefaults:\n")
    real.ok("platform", "up")
    real.ok("tenant", "add", "acme")  # both cells empty: acme goes to cell 1
    elbv2: Any = client(moto, "elbv2")
    old = group_named(elbv2, "itest-acme-test-80")
    elbv2.register_targets(TargetGroupArn=old, Targets=[{"Id": "10.0.1.5", "Port": 80}])
    host = real.ok("tenant", "show", "acme", "--json").json()["outputs"]["urls"][0].split("://")[1]
    everything = real.calls()

    mark = real.mark()
    move = real.popen("tenant", "move", "acme", "--cell", "2", "--yes", "--json")
    seen: list[tuple[str, ...]] = []
    new = None
    while move.poll() is None:
        seen.append(_serving(moto, host))
        new = new or group_named(elbv2, "itest-acme-test-c2-80")
        if new and not elbv2.describe_target_health(TargetGroupArn=new)["TargetHealthDescriptions"]:
            seen.append(("registered in cell 2",))
            elbv2.register_targets(TargetGroupArn=new, Targets=[{"Id": "10.0.2.5", "Port": 80}])
        time.sleep(0.2)
    stdout, stderr = move.communicate()
    assert move.returncode == 0, stderr
    seen.append(_serving(moto, host))
    document = json.loads(stdout)
    assert (document["from_cell"], document["cell"], document["switched"]) == (1, 2, True)
    # Never a moment without a cell serving the host; the old one until the new one serves too, the new one after.
    assert () not in seen
    assert seen[0] == ("itest-test-alb",) and seen[-1] == ("itest-test-alb-2",)
    assert ("itest-test-alb", "itest-test-alb-2") in seen
    print(f"\ncell move, what the tenant's host reaches, {len(seen)} looks: {runs_of(seen)}")

    touched = real.calls_since(mark)
    assert sorted(ops(touched, "create")) == ["routing-cell2-rule", "routing-cell2-targets-80"]
    assert sorted(ops(touched, "delete")) == ["routing-cell1-rule", "routing-cell1-targets-80"]
    assert ops(touched, "update") == ["service-service", "service-service"]  # both groups, then the new one only
    deletes = [i for i, c in enumerate(touched) if c["op"] == "delete"]
    service_updates = [i for i, c in enumerate(touched) if c["op"] == "update" and c["name"] == "service-service"]
    assert min(deletes) > service_updates[1]  # the old group goes once the service no longer uses it
    [rule] = [c for c in touched if c["op"] == "create" and c["name"] == "routing-cell2-rule"]
    assert rule["inputs"]["listenerArn"] == _listener(everything, "load-balancer-cell-2-http")
    outputs = real.ok("tenant", "show", "acme", "--json").json()["outputs"]
    assert outputs["cell"] == 2 and "moving_to" not in outputs
    assert "cell: 2" in (real.workdir / "tenants.yaml").read_text()


# The last commit whose tenant program named its routing "routing", and whose platform program carved subnets for
# the zones it had rather than for platform.network.max_zones.
EARLIER_RELEASE = "faf7d5d"


def test_a_fleet_deployed_by_an_earlier_release_is_adopted_unchanged(
    real: RealEngine, moto: str, tmp_path: Path
) -> None:
    # The platform and a tenant are deployed by saasctl as of that commit (its sources on PYTHONPATH), then brought
    # up by this one. The platform keeps the carving it was deployed with (read from the stack): no network resource
    # is created or deleted, every subnet keeps its CIDR. The tenant's routing, now named for its cell and port and
    # aliased to its old name, is the same resources: nothing of the tenant is created or deleted.
    before = released_tree(EARLIER_RELEASE, tmp_path)
    real.use_aws(moto)
    real.ok("platform", "up", env=before)
    real.ok("tenant", "add", "acme", env=before)
    assert "routing-rule" in ops(real.calls(), "create")
    ec2: Any = client(moto, "ec2")
    subnets = vpc_subnets(ec2)

    mark = real.mark()
    real.ok("platform", "up")
    platform = real.calls_since(mark)
    assert [name for name in ops(platform, "create") + ops(platform, "delete") if name.startswith("network")] == []
    after = vpc_subnets(ec2)
    assert after == subnets

    mark = real.mark()
    real.ok("tenant", "up", "acme")
    tenant = real.calls_since(mark)
    assert ops(tenant, "create") == [] and ops(tenant, "delete") == []
