"""A tenant's deploy succeeds only when its service runs: wait for the ECS rollout of the new task definition.

Pulumi reports an ECS service as updated as soon as UpdateService returns; the tasks start afterwards. A bad
image, a wrong health-check path, a closed port or no route to the registry then fail every task, the
deployment circuit breaker rolls the service back to the previous task definition, and the deploy would
have said "succeeded". So after a tenant's stack is up, saasctl follows the deployment of the task
definition it just registered (read-only ``ecs:DescribeServices``) until ECS calls it COMPLETED, FAILED or
rolled back, or the deadline passes.
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
    ours = [d for d in service.get("deployments", []) if d.get("taskDefinition") == task_definition]
    if not ours:
        # Our deployment is gone: the circuit breaker replaced it with the previous task definition.
        return Rollout(Outcome.ROLLED_BACK, f"no deployment of {task_definition} remains", events)
    state = ours[0].get("rolloutState")
    reason = ours[0].get("rolloutStateReason")
    if state == "COMPLETED":
        return Rollout(Outcome.COMPLETED, reason, events)
    if state == "FAILED":
        return Rollout(Outcome.FAILED, reason, events)
    if ours[0].get("status") != "PRIMARY":
        return Rollout(Outcome.ROLLED_BACK, reason, events)
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
        if clock() >= deadline or cancelled():
            events = [str(e.get("message", "")) for e in last.get("events", [])[:3]]
            return Rollout(
                Outcome.TIMED_OUT,
                f"the deployment of {task_definition} was still in progress after {timeout:.0f} s "
                f"(running {last.get('runningCount', 0)} of {last.get('desiredCount', 0)} tasks)",
                events,
            )
        sleep(min(poll, max(0.0, deadline - clock())))
