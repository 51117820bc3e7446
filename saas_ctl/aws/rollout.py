"""A tenant's deploy succeeds only when its service runs: wait for the ECS rollout of the new task definition.

Pulumi reports an ECS service as updated as soon as UpdateService returns; the tasks start afterwards. A bad
image, a wrong health-check path, a closed port or no route to the registry then fail every task, the
deployment circuit breaker rolls the service back to the previous task definition, and the deploy would
have said "succeeded". So after a tenant's stack is up, saasctl follows the service's PRIMARY deployment, the one ECS
is rolling out now (read-only ``ecs:DescribeServices``), until ECS calls it COMPLETED or FAILED, the circuit breaker
rolls back to another task definition, or the deadline passes. The PRIMARY one, not any deployment of the task
definition: a forced new deployment (``tenant up --redeploy``) runs the same task definition as the deployment it
replaces, which ECS already called COMPLETED. ECS Developer Guide, "Service deployment": "PRIMARY: The most recent
deployment of a service", "ACTIVE: A service deployment that still has running tasks, but are in the process of
being replaced with a new PRIMARY deployment".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from saas_ctl import settings

DEFAULT_TIMEOUT_SECONDS = settings.ROLLOUT_TIMEOUT_DEFAULT
POLL_SECONDS = 10.0


class Outcome(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    ROLLED_BACK = "rolled back"
    TIMED_OUT = "timed out"
    CANCELLED = "cancelled"  # the command was interrupted while it waited (Ctrl-C, SIGTERM)


@dataclass(frozen=True)
class Rollout:
    outcome: Outcome
    reason: str | None = None
    events: list[str] = field(default_factory=list)  # the service's latest events, newest first

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.COMPLETED

    def describe(self, service: str, log_group: str | None, tenant: str | None = None) -> str:
        """One line for a failed rollout: what ECS said, and where the tasks' own output is."""
        text = f"service {service} {self.outcome}"
        if self.reason:
            text += f": {self.reason}"
        if self.events:
            text += f" (last ECS event: {self.events[0]})"
        if log_group:
            command = f"`saasctl tenant logs {tenant}`, or " if tenant else ""
            text += f"; the tasks' logs: {command}log group {log_group}"
        return text


def assess(service: dict[str, Any], task_definition: str) -> Rollout | None:
    """The rollout of ``task_definition`` as one DescribeServices answer shows it; None while in progress."""
    events = [str(e.get("message", "")) for e in service.get("events", [])[:3]]
    deployments = service.get("deployments", [])
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), None)
    if primary is None:
        return None  # between deployments
    if primary.get("taskDefinition") != task_definition:
        # The circuit breaker replaced ours with a deployment of the previous task definition (or someone
        # deployed another one meanwhile).
        ours: dict[str, Any] = next((d for d in deployments if d.get("taskDefinition") == task_definition), {})
        reason = ours.get("rolloutStateReason") or (
            f"the service's primary deployment runs {primary.get('taskDefinition')}, not {task_definition}"
        )
        return Rollout(Outcome.ROLLED_BACK, reason, events)
    state = primary.get("rolloutState")
    reason = primary.get("rolloutStateReason")
    if state == "COMPLETED":
        return Rollout(Outcome.COMPLETED, reason, events)
    if state == "FAILED":
        return Rollout(Outcome.FAILED, reason, events)
    return None


def wait_for_rollout(
    ecs: Any,
    cluster: str,
    service: str,
    task_definition: str,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    poll: float = POLL_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    cancelled: Callable[[], bool] = lambda: False,
) -> Rollout:
    deadline = clock() + timeout
    last: dict[str, Any] = {}
    while True:
        answer = ecs.describe_services(cluster=cluster, services=[service])
        found = answer.get("services", [])
        if not found:
            failure = (answer.get("failures") or [{}])[0].get("reason", "not found")
            return Rollout(Outcome.FAILED, f"ECS does not know the service ({failure})")
        last = found[0]
        decided = assess(last, task_definition)
        if decided is not None:
            return decided
        if cancelled():
            return Rollout(Outcome.CANCELLED, "the command was interrupted while it waited for the rollout")
        if clock() >= deadline:
            events = [str(e.get("message", "")) for e in last.get("events", [])[:3]]
            return Rollout(
                Outcome.TIMED_OUT,
                f"the deployment of {task_definition} was still in progress after {timeout:.0f} s "
                f"(running {last.get('runningCount', 0)} of {last.get('desiredCount', 0)} tasks)",
                events,
            )
        sleep(min(poll, max(0.0, deadline - clock())))  # the session's sleep ends early on Ctrl-C
        if cancelled():
            return Rollout(Outcome.CANCELLED, "the command was interrupted while it waited for the rollout")
