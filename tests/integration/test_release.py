"""`saasctl release` on the real Pulumi engine, the AWS double and one moto account: the record in the file
backend, the canary and a wave deployed with the new image, and a wave whose health gate fails rolled back.

The moto account runs no task, so nothing registers targets by itself: each tenant's target group gets its
target from the test (an address, which moto reports healthy, or an instance the test then stops, which moto
reports unused). The rollout wait is off here (``use_aws``): moto completes no rollout.
"""

from __future__ import annotations

import json
from typing import Any

from tests.integration.conftest import RealEngine, requires_pulumi
from tests.moto_server import client

pytestmark = [requires_pulumi]

OLD = "public.ecr.aws/nginx/nginx:stable"
NEW = "public.ecr.aws/nginx/nginx:1.27"


def deployed(real: RealEngine, moto: str, *names: str) -> dict[str, dict[str, Any]]:
    """The platform and the named tenants deployed; each tenant's stack outputs."""
    real.use_aws(moto)
    real.ok("platform", "up", "--json")
    for name in names:
        real.ok("tenant", "add", name, "--json")
    return {name: real.ok("tenant", "show", name, "--json").json()["outputs"] for name in names}


def serving(moto: str, outputs: dict[str, Any], healthy: bool = True) -> None:
    """A target in the tenant's target group: healthy, or an instance stopped once registered (not healthy)."""
    elbv2: Any = client(moto, "elbv2")
    if healthy:
        elbv2.register_targets(TargetGroupArn=outputs["target_group_arn"], Targets=[{"Id": "10.0.1.5", "Port": 80}])
        return
    ec2: Any = client(moto, "ec2")
    instance = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    elbv2.register_targets(TargetGroupArn=outputs["target_group_arn"], Targets=[{"Id": instance}])
    ec2.stop_instances(InstanceIds=[instance])


def image_of(moto: str, outputs: dict[str, Any]) -> str:
    """The image the tenant's ECS service runs, as ECS says."""
    ecs: Any = client(moto, "ecs")
    for arn in ecs.list_clusters()["clusterArns"]:
        services = ecs.describe_services(cluster=arn, services=[outputs["service_name"]])["services"]
        if services:
            task = ecs.describe_task_definition(taskDefinition=services[0]["taskDefinition"])["taskDefinition"]
            return str(task["containerDefinitions"][0]["image"])
    raise AssertionError(f"no service {outputs['service_name']} in moto")


def test_a_release_deploys_the_canary_then_the_wave_and_records_it_in_the_backend(real: RealEngine, moto: str) -> None:
    outputs = deployed(real, moto, "acme", "globex")
    for name in outputs:
        serving(moto, outputs[name])
    result = real.run("release", NEW, "--canary", "acme", "--waves", "100%", "--json")
    assert result.returncode == 0, result.stderr
    document = result.json()
    assert [(w["name"], w["tenants"]) for w in document["waves"]] == [("canary", ["acme"]), ("wave 1", ["globex"])]
    assert [(r["tenant"], r["status"]) for r in document["results"]] == [("acme", "succeeded"), ("globex", "succeeded")]
    assert {name: image_of(moto, outputs[name]) for name in outputs} == {"acme": NEW, "globex": NEW}
    assert f"image: {NEW}" in (real.workdir / "tenants.yaml").read_text()
    recorded = real.workdir / ".saasctl" / "state" / "releases" / "itest" / "test" / f"{document['id']}.json"
    assert json.loads(recorded.read_text())["status"] == "completed"
    shown = real.ok("release", "status", "--json").json()
    assert (shown["id"], shown["runs"]) == (document["id"], {NEW: ["acme", "globex"]})


def test_a_wave_failing_its_health_gate_is_rolled_back_to_the_previous_image(real: RealEngine, moto: str) -> None:
    outputs = deployed(real, moto, "acme", "globex")
    serving(moto, outputs["acme"])
    serving(moto, outputs["globex"], healthy=False)
    result = real.run("release", NEW, "--canary", "acme", "--waves", "100%", "--json")
    assert result.returncode == 1, result.stderr
    document = result.json()
    assert (document["status"], document["reason"]) == ("failed", "wave 1 failed its health gate: globex")
    assert [(r["tenant"], r["status"]) for r in document["results"]] == [
        ("acme", "succeeded"),
        ("globex", "failed"),
        ("globex", "succeeded"),  # the rollback
    ]
    statuses = {t["name"]: (t["status"], t["runs"]) for t in document["tenants"]}
    assert statuses == {"acme": ("succeeded", NEW), "globex": ("rolled_back", OLD)}
    assert {name: image_of(moto, outputs[name]) for name in outputs} == {"acme": NEW, "globex": OLD}
    assert "not healthy" in next(t["error"] for t in document["tenants"] if t["name"] == "globex")
