"""Day-2 changes on the real engine, against the double on moto, which answers a replacement of a resource the
program names delete-first, as pulumi-aws does: a port change (in two passes, README "Changing a tenant's port
without an outage") and an Aurora major upgrade succeed because saasctl creates the new named resource first where
the old one is still in use (a cell move: test_cell_lifecycle)."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.integration.conftest import RealEngine, group_named, healthy, ops, requires_pulumi, runs_of, vpc_subnets
from tests.moto_server import client

pytestmark = [requires_pulumi]


def _order(calls: list[dict[str, Any]], name: str) -> list[str]:
    return [c["op"] for c in calls if c["name"] == name and c["op"] in ("create", "update", "delete")]


def _groups_serving(moto: str, host: str) -> tuple[str, ...]:
    """The target groups the listener rule of ``host`` sends requests to (weight above 0) that have a healthy
    target, now: what a client of the tenant reaches."""
    elbv2: Any = client(moto, "elbv2")
    found = []
    for balancer in elbv2.describe_load_balancers()["LoadBalancers"]:
        for listener in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]:
            for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                hosts = [v for c in rule.get("Conditions", []) for v in c.get("HostHeaderConfig", {}).get("Values", [])]
                if host not in hosts:
                    continue
                for action in rule["Actions"]:
                    weighted = action.get("ForwardConfig", {}).get("TargetGroups", [])
                    groups = [g["TargetGroupArn"] for g in weighted if g.get("Weight", 1) > 0]
                    found += [g for g in groups or [action.get("TargetGroupArn")] if g and healthy(elbv2, g)]
    names = elbv2.describe_target_groups(TargetGroupArns=found)["TargetGroups"] if found else []
    return tuple(sorted(g["TargetGroupName"] for g in names))


def test_a_port_change_switches_only_once_the_new_ports_target_group_is_healthy(real: RealEngine, moto: str) -> None:
    # moto runs no task: the test registers the targets the service's tasks would (an address moto calls healthy):
    # an old task on port 80 in the old group before the change, and once the first pass has created the new
    # port's group, a new task on port 8080 in both groups, as ECS registers it in each of the service's groups.
    real.use_aws(moto)
    real.ok("platform", "up")
    real.ok("tenant", "add", "acme")
    elbv2: Any = client(moto, "elbv2")
    old = group_named(elbv2, "itest-acme-test-80")
    elbv2.register_targets(TargetGroupArn=old, Targets=[{"Id": "10.0.1.5", "Port": 80}])
    host = real.ok("tenant", "show", "acme", "--json").json()["outputs"]["urls"][0].split("://")[1]
    real.edit_spec("  - name: acme\n", "  - name: acme\n    container_port: 8080\n")

    mark = real.mark()
    change = real.popen("tenant", "up", "acme", "--yes", "--json")
    seen: list[tuple[str, ...]] = []
    while change.poll() is None:
        seen.append(_groups_serving(moto, host))
        new = group_named(elbv2, "itest-acme-test-8080")
        if new and not elbv2.describe_target_health(TargetGroupArn=new)["TargetHealthDescriptions"]:
            for group in (old, new):
                elbv2.register_targets(TargetGroupArn=group, Targets=[{"Id": "10.0.1.6", "Port": 8080}])
        time.sleep(0.2)
    stdout, stderr = change.communicate()
    assert change.returncode == 0, stderr
    seen.append(_groups_serving(moto, host))
    [reported] = json.loads(stdout)["port_changes"]
    assert (reported["tenant"], reported["from_port"], reported["port"], reported["switched"]) == (
        "acme",
        80,
        8080,
        True,
    )
    assert reported["health_reads"] >= 1
    # Never a moment without a healthy group behind the host: the old port's until the switch, the new one's after.
    assert () not in seen
    assert seen[0] == ("itest-acme-test-80",) and seen[-1] == ("itest-acme-test-8080",)
    print(f"\nport change, the groups serving the tenant's host, {len(seen)} looks: {runs_of(seen)}")

    touched = real.calls_since(mark)
    # The first pass creates the new port's group and ingress; the second deletes the old port's, last.
    assert set(ops(touched, "create")) == {"routing-cell1-targets-8080", "firewall-in-8080", "service-task"}
    assert set(ops(touched, "delete")) == {"routing-cell1-targets-80", "firewall-in-80", "service-task"}
    assert _order(touched, "routing-cell1-rule") == ["update", "update"]  # weighted 1/0, then the new group only
    assert _order(touched, "service-service") == ["update", "update"]  # both groups, then the new one only
    second_update = [i for i, c in enumerate(touched) if c["op"] == "update" and c["name"] == "service-service"][1]
    deleted = {c["name"]: i for i, c in enumerate(touched) if c["op"] == "delete"}
    assert min(deleted["routing-cell1-targets-80"], deleted["firewall-in-80"]) > second_update
    outputs = real.ok("tenant", "show", "acme", "--json").json()["outputs"]
    assert outputs["container_port"] == 8080 and "port_changing_to" not in outputs
    assert elbv2.describe_target_groups(Names=["itest-acme-test-8080"])["TargetGroups"][0]["Port"] == 8080


def test_an_aurora_major_upgrade_creates_the_new_parameter_group_first(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    real.ok("platform", "up")
    real.edit_spec('engine_version: "15.8"', 'engine_version: "16.4"')
    mark = real.mark()
    real.ok("platform", "up")
    touched = real.calls_since(mark)
    assert _order(touched, "database-params") == ["create", "delete"]
    [group] = [c for c in touched if c["op"] == "create" and c["name"] == "database-params"]
    assert (group["inputs"]["name"], group["inputs"]["family"]) == (
        "itest-test-aurora-postgresql16",
        "aurora-postgresql16",
    )
    [cluster] = [c for c in touched if c["op"] == "update" and c["name"] == "database-cluster"]
    assert (cluster["inputs"]["engineVersion"], cluster["inputs"]["applyImmediately"]) == ("16.4", True)
    assert ops(touched, "delete") == ["database-params"]


def test_an_automatic_minor_upgrade_by_aws_is_not_undone_by_the_next_up(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    real.ok("platform", "up")
    rds: Any = client(moto, "rds")
    rds.modify_db_cluster(DBClusterIdentifier="itest-test-aurora", EngineVersion="15.10", ApplyImmediately=True)
    mark = real.mark()  # no refresh: saasctl asks RDS what the cluster runs
    up = real.ok("platform", "up")
    assert "the cluster runs Aurora PostgreSQL 15.10 (an automatic minor upgrade by AWS); kept" in up.stderr
    # Neither a downgrade to 15.8 nor a ModifyDBCluster with the version that runs: the cluster is not updated.
    assert [c["op"] for c in real.calls_since(mark) if c["name"] == "database-cluster" and c["op"] != "read"] == []
    assert rds.describe_db_clusters(DBClusterIdentifier="itest-test-aurora")["DBClusters"][0]["EngineVersion"] == (
        "15.10"
    )


def test_a_third_zone_creates_its_subnets_and_replaces_nothing(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    real.ok("platform", "up")
    ec2: Any = client(moto, "ec2")
    before = vpc_subnets(ec2)
    real.edit_spec("availability_zones: 2", "availability_zones: 3")
    mark = real.mark()
    real.ok("platform", "up")
    touched = real.calls_since(mark)
    assert ops(touched, "delete") == []
    assert sorted(ops(touched, "create")) == [
        "network-private-2",
        "network-private-2",
        "network-private-2",
        "network-public-2",
        "network-public-2",
    ]  # the subnets, their route table associations and the private route table
    assert "load-balancer-alb" in ops(touched, "update")  # ELBv2 SetSubnets: the ALB spans the new zone in place
    # ...only once the new public subnet routes to the internet gateway (the program's order: AWS would not refuse).
    steps = [(c["op"], c["type"].rsplit(":", 1)[-1], c["name"]) for c in touched]
    assert steps.index(("create", "RouteTableAssociation", "network-public-2")) < steps.index(
        ("update", "LoadBalancer", "load-balancer-alb")
    )
    after = vpc_subnets(ec2)
    assert {subnet: after[subnet] for subnet in before} == before
    assert sorted(set(after.values()) - set(before.values())) == ["10.0.192.0/19", "10.0.64.0/19"]
