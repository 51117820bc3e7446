"""Day-2 changes on the real engine, against the double on moto, which now answers a replacement of a resource
the program names delete-first, as pulumi-aws does: a port change, and an Aurora major upgrade, succeed because
saasctl creates the new named resource first where the old one is still in use (a cell move:
test_cell_lifecycle)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.conftest import RealEngine, ops, released_tree, requires_pulumi
from tests.moto_server import client

pytestmark = [requires_pulumi]


def _order(calls: list[dict[str, Any]], name: str) -> list[str]:
    return [c["op"] for c in calls if c["name"] == name and c["op"] in ("create", "update", "delete")]


def test_a_port_change_creates_the_new_target_group_before_deleting_the_old(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    real.ok("platform", "up")
    real.ok("tenant", "add", "acme")
    real.edit_spec("  - name: acme\n", "  - name: acme\n    container_port: 8080\n")
    mark = real.mark()
    real.ok("tenant", "up", "acme")
    touched = real.calls_since(mark)
    # Created first (its name carries the port), the rule and service moved to it, then the old one deleted:
    # AWS refuses to delete a target group a rule still forwards to (ResourceInUse).
    assert _order(touched, "routing-cell1-targets") == ["create", "delete"]
    assert touched.index(next(c for c in touched if c["op"] == "update" and c["name"] == "routing-cell1-rule")) < next(
        i for i, c in enumerate(touched) if c["op"] == "delete" and c["name"] == "routing-cell1-targets"
    )
    [group] = [c for c in touched if c["op"] == "create" and c["name"] == "routing-cell1-targets"]
    assert group["inputs"]["port"] == 8080
    assert _order(touched, "firewall-in") == ["update"]  # the tenant's ingress follows the port in place


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
    before = {s["SubnetId"]: s["CidrBlock"] for s in ec2.describe_subnets()["Subnets"] if s["CidrBlock"][:3] == "10."}
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
    after = {s["SubnetId"]: s["CidrBlock"] for s in ec2.describe_subnets()["Subnets"] if s["CidrBlock"][:3] == "10."}
    assert {subnet: after[subnet] for subnet in before} == before
    assert sorted(set(after.values()) - set(before.values())) == ["10.0.192.0/19", "10.0.64.0/19"]


BEFORE_CARVING = "faf7d5d"  # a release whose platform program carved subnets for the zones it had, not max_zones


def test_a_platform_deployed_by_a_release_before_zone_carving_keeps_its_network_on_upgrade(
    real: RealEngine, moto: str, tmp_path: Path
) -> None:
    # Deployed by saasctl as of that commit, then `platform up` by this one: the carving it was deployed with is
    # kept (read from the stack), so no subnet, route table or the VPC is replaced.
    before = released_tree(BEFORE_CARVING, tmp_path)
    real.use_aws(moto)
    real.ok("platform", "up", env=before)
    ec2: Any = client(moto, "ec2")
    subnets = {s["SubnetId"]: s["CidrBlock"] for s in ec2.describe_subnets()["Subnets"] if s["CidrBlock"][:3] == "10."}
    mark = real.mark()
    real.ok("platform", "up")
    touched = real.calls_since(mark)
    assert [name for name in ops(touched, "delete") if name.startswith("network")] == []
    assert [name for name in ops(touched, "create") if name.startswith("network")] == []
    after = {s["SubnetId"]: s["CidrBlock"] for s in ec2.describe_subnets()["Subnets"] if s["CidrBlock"][:3] == "10."}
    assert after == subnets
