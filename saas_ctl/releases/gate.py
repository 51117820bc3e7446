"""The health gate a wave passes before the next one starts: for every tenant of the wave, its ECS rollout
COMPLETED, every target of its target group healthy (at least one), and with a check path an HTTP 2xx through
its load balancer (its own host in the Host header); all of it still so at every look during the bake.

The reads are read-only (``ecs:DescribeServices``, ``elasticloadbalancing:DescribeTargetHealth``) and take each
tenant's stack outputs (``service_name``, ``task_definition_arn``, ``target_group_arn``, ``urls``,
``load_balancer_dns_name``). An engine that deploys nothing to AWS (or no credentials) leaves nothing to read:
the gate is then the deploy's own result and the bake is a wait.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from infra.outputs import SUSPENDED_OUTPUT
from saas_ctl.aws import rollout
from saas_ctl.aws.session import AwsError, boundary

POLL_SECONDS = 10.0
HTTP_TIMEOUT_SECONDS = 5.0
READS_AT_ONCE = 8


@dataclass(frozen=True)
class Gate:
    """What one release's gate reads with: clients (None: nothing to read), the platform's cluster, the check
    path, and whether the rollout is part of it (off when the deploy's rollout wait is: SAASCTL_ROLLOUT_TIMEOUT=0)."""

    ecs: Any | None
    elbv2: Any | None
    cluster: str
    check_path: str | None = None
    rollout: bool = True
    http_timeout: float = HTTP_TIMEOUT_SECONDS

    @property
    def reads(self) -> bool:
        return self.ecs is not None and self.elbv2 is not None

    def problem(self, outputs: Mapping[str, Any]) -> str | None:
        """Why a deployed tenant is not healthy now; None when it is (or there is nothing to read). A suspended
        tenant runs no tasks and its hosts answer the suspended page: nothing to check (its new image runs when it
        is resumed)."""
        if not self.reads or outputs.get(SUSPENDED_OUTPUT) is True:
            return None
        try:
            with boundary("could not read its health"):
                return (
                    (self._rollout_problem(outputs) if self.rollout else None)
                    or targets_problem(self.elbv2, outputs.get("target_group_arn"))
                    or (self._http_problem(outputs) if self.check_path else None)
                )
        except AwsError as exc:
            return exc.message

    def _rollout_problem(self, outputs: Mapping[str, Any]) -> str | None:
        service, task_definition = outputs.get("service_name"), outputs.get("task_definition_arn")
        if not service or not task_definition:
            return "its stack has no ECS service in its outputs"
        ecs: Any = self.ecs
        found = ecs.describe_services(cluster=self.cluster, services=[service]).get("services", [])
        if not found:
            return f"ECS does not know service {service}"
        state = rollout.assess(found[0], str(task_definition))
        if state is None:
            return f"the rollout of service {service} has not completed"
        return None if state.ok else state.describe(service, None)

    def _http_problem(self, outputs: Mapping[str, Any]) -> str | None:
        urls, address = outputs.get("urls") or [], outputs.get("load_balancer_dns_name")
        if not urls or not address:
            return "its stack has no URL or load balancer in its outputs, for the check path"
        url = urlsplit(str(urls[0]))
        return http_problem(str(address), url.hostname or "", str(self.check_path), url.scheme, self.http_timeout)

    def problems(self, tenants: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
        """Every named tenant's problem (tenant -> why), read a few at a time; empty when all are healthy."""
        if not self.reads or not tenants:
            return {}
        with ThreadPoolExecutor(max_workers=min(READS_AT_ONCE, len(tenants)), thread_name_prefix="gate") as pool:
            found = dict(zip(tenants, pool.map(self.problem, tenants.values()), strict=True))
        return {name: problem for name, problem in found.items() if problem}


def targets_problem(elbv2: Any, target_group_arn: Any) -> str | None:
    """None when the target group has targets and every one is healthy; else which are not, and why."""
    if not target_group_arn:
        return "its stack has no target group in its outputs"
    health = elbv2.describe_target_health(TargetGroupArn=target_group_arn).get("TargetHealthDescriptions", [])
    if not health:
        return "no target is registered in its target group (no task is serving)"
    unhealthy = [d for d in health if d.get("TargetHealth", {}).get("State") != "healthy"]
    if not unhealthy:
        return None
    first = unhealthy[0]
    state = first.get("TargetHealth", {})
    reason = state.get("Description") or state.get("Reason") or ""
    return (
        f"{len(unhealthy)} of {len(health)} targets not healthy (target {first['Target']['Id']}: "
        f"{state.get('State')}{': ' + reason if reason else ''})"
    )


def http_problem(
    address: str, host: str, path: str, scheme: str = "http", timeout: float = HTTP_TIMEOUT_SECONDS
) -> str | None:
    """GET ``path`` from ``address`` (the load balancer, ``name[:port]``) with ``host`` in the Host header (and as
    the TLS server name over https, the name its certificate is for): None on a 2xx, else what it answered."""
    where = f"GET {scheme}://{host}{path} through {address}"
    connection = http.client.HTTPConnection(address, timeout=timeout)
    try:
        if scheme == "https":
            name, _, port = address.partition(":")
            raw = socket.create_connection((name, int(port or 443)), timeout=timeout)
            connection.sock = ssl.create_default_context().wrap_socket(raw, server_hostname=host)
        connection.request("GET", path, headers={"Host": host, "User-Agent": "saasctl-release-gate"})
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        return f"{where} failed: {exc}"
    finally:
        connection.close()
    return None if 200 <= status < 300 else f"{where} answered {status}"


def bake(
    gate: Gate,
    tenants: Mapping[str, Mapping[str, Any]],
    seconds: float,
    wait: Callable[[float], None],
    cancelled: Callable[[], bool],
    clock: Callable[[], float] = time.monotonic,
    poll: float = POLL_SECONDS,
) -> dict[str, str]:
    """Look at the wave's tenants now and every ``poll`` seconds until ``seconds`` have passed: the problems of
    the first look that finds any (the wave fails), or none. Ends early, with none, when ``cancelled``."""
    deadline = clock() + seconds
    while True:
        found = gate.problems(tenants)
        if found:
            return found
        left = deadline - clock()
        if left <= 0 or cancelled():
            return {}
        wait(min(poll, left) if gate.reads else left)
