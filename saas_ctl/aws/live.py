"""What ECS and the load balancer say about a deployed tenant right now (`tenant show --live`)."""

from __future__ import annotations

from typing import Any

from saas_ctl.aws.session import boundary

EVENTS_SHOWN = 5


def live_status(
    session: Any, region: str, endpoint_url: str | None, cluster: str, outputs: dict[str, Any], tenant: str
) -> dict[str, Any]:
    """Read-only: ecs:DescribeServices (tasks, events) and elasticloadbalancing:DescribeTargetHealth."""
    with boundary(f"could not read tenant {tenant}'s live state"):
        return _read(session, region, endpoint_url, cluster, outputs)


def _read(session: Any, region: str, endpoint_url: str | None, cluster: str, outputs: dict[str, Any]) -> dict[str, Any]:
    ecs = session.client("ecs", region_name=region, endpoint_url=endpoint_url)
    elbv2 = session.client("elbv2", region_name=region, endpoint_url=endpoint_url)
    live: dict[str, Any] = {"service": None, "targets": []}
    service_name = outputs.get("service_name")
    if service_name:
        found = ecs.describe_services(cluster=cluster, services=[service_name]).get("services", [])
        if found:
            service = found[0]
            live["service"] = {
                "status": service.get("status"),
                "running": service.get("runningCount", 0),
                "desired": service.get("desiredCount", 0),
                "pending": service.get("pendingCount", 0),
                "events": [
                    {"at": str(e.get("createdAt")), "message": e.get("message")}
                    for e in service.get("events", [])[:EVENTS_SHOWN]
                ],
            }
    group = outputs.get("target_group_arn")
    if group:
        health = elbv2.describe_target_health(TargetGroupArn=group).get("TargetHealthDescriptions", [])
        live["targets"] = [
            {
                "target": d["Target"]["Id"],
                "port": d["Target"].get("Port"),
                "state": d.get("TargetHealth", {}).get("State"),
                "reason": d.get("TargetHealth", {}).get("Description"),
            }
            for d in health
        ]
    return live
