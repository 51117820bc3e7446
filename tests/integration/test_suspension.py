"""Suspend and resume on the real Pulumi engine with the AWS double on moto: the tenant's listener rule answers a
fixed 503 and back, its service's desired count goes to 0 and back, and no resource holding data is touched."""

from __future__ import annotations

from typing import Any

from infra import naming
from tests.integration.conftest import RealEngine, ops, requires_pulumi
from tests.moto_server import ACCOUNT, client

pytestmark = [requires_pulumi]

ACME = naming.TenantNames("itest", "test", "us-east-1", "acme", ACCOUNT)
DATA = {"storage-bucket", "secret-secret", "secret-value", "logs"}


def rule_actions(url: str) -> list[dict[str, Any]]:
    elbv2: Any = client(url, "elbv2")
    arns = [lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
    listeners = [ls for arn in arns for ls in elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]]
    rules = [r for ls in listeners for r in elbv2.describe_rules(ListenerArn=ls["ListenerArn"])["Rules"]]
    [rule] = [r for r in rules if not r["IsDefault"]]
    return [{k: v for k, v in action.items() if k != "Order"} for action in rule["Actions"]]


def desired_count(url: str) -> int:
    ecs: Any = client(url, "ecs")
    [service] = ecs.describe_services(cluster="itest-test", services=[ACME.ecs_service])["services"]
    return int(service["desiredCount"])


def test_suspend_then_resume_a_deployed_tenant(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    real.ok("platform", "up")
    real.ok("tenant", "add", "acme", "--json")
    assert [a["Type"] for a in rule_actions(moto)] == ["forward"]
    assert desired_count(moto) == 1

    mark = real.mark()
    suspended = real.ok("tenant", "suspend", "acme", "--json").json()
    assert suspended["results"][0]["status"] == "succeeded"
    touched = real.calls_since(mark)
    assert [a["Type"] for a in rule_actions(moto)] == ["fixed-response"]
    assert rule_actions(moto)[0]["FixedResponseConfig"]["StatusCode"] == "503"
    assert desired_count(moto) == 0
    assert not {c["name"] for c in touched if c["op"] != "read"} & DATA
    assert "suspended: true" in (real.workdir / "tenants.yaml").read_text()

    mark = real.mark()
    again = real.ok("tenant", "suspend", "acme", "--json").json()
    assert (again["changed"], set(again["results"][0]["changes"])) == (False, {"same"})
    assert [c for c in real.calls_since(mark) if c["op"] != "read"] == []

    listed = real.ok("tenant", "list", "--json").json()["tenants"]
    assert [(t["name"], t["suspended"]) for t in listed] == [("acme", True)]

    mark = real.mark()
    real.ok("tenant", "resume", "acme", "--json")
    assert [a["Type"] for a in rule_actions(moto)] == ["forward"]
    assert desired_count(moto) == 1
    assert not set(ops(real.calls_since(mark), "delete")) & DATA
    assert "suspended" not in (real.workdir / "tenants.yaml").read_text()


def test_apply_converges_to_a_hand_edited_suspension(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    real.ok("platform", "up")
    real.ok("tenant", "add", "acme")
    real.edit_spec("  - name: acme\n", "  - name: acme\n    suspended: true\n")
    real.ok("apply", "--yes")
    assert [a["Type"] for a in rule_actions(moto)] == ["fixed-response"]
    assert desired_count(moto) == 0

    real.edit_spec("    suspended: true\n", "")
    real.ok("apply", "--yes")
    assert [a["Type"] for a in rule_actions(moto)] == ["forward"]
    assert desired_count(moto) == 1
