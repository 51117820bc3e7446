"""What ECS and the load balancer say about deployed tenants right now: one tenant in full (`tenant show
--live`), or every deployed tenant at once, read in parallel (`tenant list --live`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from saas_ctl.aws.session import boundary
from saas_ctl.errors import SaasctlError

EVENTS_SHOWN = 5


@dataclass(frozen=True)
class Clients:
    """The two read-only clients live views ask (boto3 clients may be shared between threads)."""

    ecs: Any
    elbv2: Any

    @classmethod
    def of(cls, session: Any, region: str, endpoint_url: str | None) -> Clients:
        return cls(
            session.client("ecs", region_name=region, endpoint_url=endpoint_url),
            session.client("elbv2", region_name=region, endpoint_url=endpoint_url),
        )


def live_status(
    session: Any, region: str, endpoint_url: str | None, cluster: str, outputs: dict[str, Any], tenant: str
) -> dict[str, Any]:
    """Read-only: ecs:DescribeServices (tasks, events) and elasticloadbalancing:DescribeTargetHealth."""
    with boundary(f"could not read tenant {tenant}'s live state"):
        return read(Clients.of(session, region, endpoint_url), cluster, outputs)


def read(clients: Clients, cluster: str, outputs: Mapping[str, Any]) -> dict[str, Any]:
    """One tenant's service (tasks running, desired and pending; its last events) and its targets' health, from
    its stack's outputs (``service_name``, ``target_group_arn``)."""
    live: dict[str, Any] = {"service": None, "targets": []}
    service_name = outputs.get("service_name")
    if service_name:
        found = clients.ecs.describe_services(cluster=cluster, services=[service_name]).get("services", [])
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
        health = clients.elbv2.describe_target_health(TargetGroupArn=group).get("TargetHealthDescriptions", [])
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


def fleet_status(
    clients: Clients,
    cluster: str,
    tenants: list[str],
    outputs_of: Callable[[str], Mapping[str, Any]],
    parallel: int,
) -> dict[str, dict[str, Any]]:
    """Every named tenant's live state, at most ``parallel`` read at once: its stack's outputs (``outputs_of``),
    then ECS and the load balancer. A tenant whose reads fail (AWS refused, the engine failed) has
    ``{"error": ...}`` and the others go on."""

    def one(name: str) -> dict[str, Any]:
        try:
            with boundary(f"could not read tenant {name}'s live state"):
                return read(clients, cluster, outputs_of(name))
        except SaasctlError as exc:
            return {"error": exc.message}

    if not tenants:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(parallel, len(tenants))), thread_name_prefix="live") as pool:
        return dict(zip(tenants, pool.map(one, tenants), strict=True))


def tasks(live: Mapping[str, Any] | None) -> tuple[str, str]:
    """(running, desired) as a table shows them: "-" where there is no service to ask, "?" where it failed."""
    if live is None:
        return "-", "-"
    if "error" in live:
        return "?", "?"
    service = live.get("service")
    return (str(service["running"]), str(service["desired"])) if service else ("-", "-")


def health(live: Mapping[str, Any] | None) -> str:
    """The targets' health in a few words: ``2 healthy``, ``1 healthy, 1 unhealthy``, ``no targets``."""
    if live is None:
        return "-"
    if "error" in live:
        return str(live["error"])
    counted = Counter(str(t.get("state")) for t in live.get("targets", []))
    return ", ".join(f"{count} {state}" for state, count in sorted(counted.items())) or "no targets"
