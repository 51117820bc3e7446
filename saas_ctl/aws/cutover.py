"""Between the two passes of `saasctl tenant move`: wait until the new cell's target group has a healthy target.

The first pass registers the tenant's service in both cells' target groups, behind both cells' listener rules,
while DNS still names the previous cell's load balancer; the second pass switches DNS and removes the previous
cell's rule and target group. It runs only once this wait has read the new target group healthy (every registered
target healthy, at least one: ``releases.gate.targets_problem``, read-only
``elasticloadbalancing:DescribeTargetHealth``). An engine that deploys nothing to AWS (or no credentials) leaves
nothing to read: the first pass's own result is then the gate, as for a release.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from saas_ctl import settings
from saas_ctl.aws import hooks
from saas_ctl.aws.session import AwsError, boundary
from saas_ctl.orchestration.session import Session
from saas_ctl.releases.gate import targets_problem

POLL_SECONDS = 5.0
# With DNS, how long the previous cell's rule stays after the records name the new cell: Route 53 answers an alias
# record at a load balancer with the load balancer's TTL, 60 s (Route 53 Developer Guide, "Choosing between alias and
# non-alias records": "the TTL of the alias record is the TTL of the AWS resource"; ELB's DNS names have a 60 s TTL).
DNS_DRAIN_SECONDS = 60.0

# Why the target group is not healthy yet (None: it is), read once.
Health = Callable[[str], str | None]


@dataclass(frozen=True)
class Waited:
    problem: str | None  # None: healthy; else the last read's answer, or why the wait ended
    looks: int  # how many reads it took

    @property
    def ok(self) -> bool:
        return self.problem is None


def health_reader(session: Session, region: str) -> Health | None:
    """How to read one target group's health for this session; None when there is nothing to read."""
    found = hooks.behind_engine(session)
    if found is None:
        return None
    elbv2 = found.client("elbv2", region_name=region, endpoint_url=session.endpoint_url)

    def read(target_group_arn: str) -> str | None:
        try:
            with boundary("could not read its target health"):
                return targets_problem(elbv2, target_group_arn)
        except AwsError as exc:
            return exc.message

    return read


def timeout_of(session: Session) -> float:
    """As long as a deploy waits for a rollout; that wait switched off (SAASCTL_ROLLOUT_TIMEOUT=0) does not switch
    this one off: the switch must not happen before the new cell serves."""
    return session.rollout_timeout if session.rollout_timeout > 0 else settings.ROLLOUT_TIMEOUT_DEFAULT


def wait_for(session: Session, health: Health, target_group_arn: str) -> Waited:
    """``wait_until_healthy`` for this session: its timeout (``timeout_of``) and its cancellation."""
    return wait_until_healthy(
        health, target_group_arn, timeout_of(session), session.cancellation.wait, session.cancellation.is_set
    )


def wait_until_healthy(
    health: Health,
    target_group_arn: str,
    timeout: float,
    wait: Callable[[float], None],
    cancelled: Callable[[], bool],
    clock: Callable[[], float] = time.monotonic,
    poll: float | None = None,
) -> Waited:
    """Read the target group until it is healthy, the deadline passes or the command is interrupted."""
    deadline = clock() + timeout
    looks = 0
    while True:
        problem = health(target_group_arn)
        looks += 1
        if problem is None:
            return Waited(None, looks)
        if cancelled():
            return Waited(f"interrupted while waiting for it to be healthy ({problem})", looks)
        left = deadline - clock()
        if left <= 0:
            return Waited(f"not healthy after {timeout:.0f} s: {problem}", looks)
        wait(min(POLL_SECONDS if poll is None else poll, left))
