"""A tenant whose container port in the file differs from the one its stack serves: two passes, so that its hosts
never meet a target group without a healthy target (README "Changing a tenant's port without an outage").

- The first pass deploys the new task definition with the service registered in both ports' target groups; the
  listener rule still forwards to the previous port's group alone (the new one is in the rule with weight 0, so
  that it is associated with the load balancer, as ECS requires). ECS's rolling deployment starts the new tasks,
  registered in both groups on the new port, and stops the old ones once the new ones run (ECS API Reference,
  UpdateService, loadBalancers); the previous port's group health-checks each target on the port it was
  registered with (``traffic-port``), so it serves old tasks, then new ones, all along.
- saasctl then waits until the new port's target group is healthy (``aws.cutover``, as a cell move does).
- The second pass is the plain deploy: the rule forwards to the new group, the service keeps only it, and the
  previous port's group and ingress rule are deleted last.

A failure or an interrupt between the passes leaves the stack serving the previous port (its ``container_port``
output), so the next deploy of the tenant (`tenant up`, `apply`) finds the change again and runs both passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from infra.inputs import PreviousCell
from infra.naming import TenantNames
from infra.outputs import CONTAINER_PORT_OUTPUT, PORT_TARGET_GROUP_OUTPUT, SUSPENDED_OUTPUT
from saas_ctl.aws import cutover
from saas_ctl.engine.base import Operation, StackResult, StackTarget, Status
from saas_ctl.orchestration.orchestrator import PortChange, RunReport
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.models import TenantsFile, resolve
from saas_ctl.stacks import converge
from saas_ctl.stacks.converge import Decision
from saas_ctl.stacks.state import Deployed

# Builds the first pass's stacks: tenant -> the port it is served on now.
FirstPasses = Callable[[Mapping[str, int]], list[StackTarget]]
Run = Callable[[list[StackTarget]], RunReport]


def deployed_port(spec: TenantsFile, name: str, outputs: Mapping[str, Any]) -> int | None:
    """The port the stack's listener rule forwards to: its ``container_port`` output, or for a stack deployed
    before that output existed, the port its target group is named for; None when neither says."""
    recorded = outputs.get(CONTAINER_PORT_OUTPUT)
    if recorded is not None:
        return int(recorded)
    arn = str(outputs.get("target_group_arn") or "")
    group = arn.split(":targetgroup/", 1)[1].split("/", 1)[0] if ":targetgroup/" in arn else ""
    port = re.search(r"-(\d+)$", group)
    if port is None:
        return None
    platform = spec.platform
    names = TenantNames(platform.project, platform.environment, platform.region, name)
    # A name shortened with a hash ends in hex digits, not a port: only a name the port rebuilds counts.
    return int(port[1]) if names.target_group(int(port[1]), int(outputs.get("cell", 1))) == group else None


def changing(
    spec: TenantsFile,
    deployed: Deployed,
    decisions: Sequence[Decision],
    moving_from: Mapping[str, PreviousCell] | None = None,
) -> dict[str, int]:
    """The tenants about to be deployed whose stack serves another port than the file says, and that port. Left
    to one pass: a tenant suspended in its stack that the file resumes (no task serves it; its rule forwards to
    the new port's group before the service changes), and a stack whose cell is not the one this deploy serves it
    from (an unfinished move: the deploy finishes it first). A tenant the file says is suspended is refused before
    any deploy (``suspension``); it is skipped here too."""
    files = {t.name: t for t in spec.tenants}
    existing = set(deployed.tenants)
    candidates = [
        d.target.tenant
        for d in decisions
        if d.run and d.target.tenant in existing and d.target.tenant in files and not files[d.target.tenant].suspended
    ]
    outputs = deployed.outputs_of(candidates)  # kept: resumes read the same ones
    found = {}
    for name, stack in outputs.items():
        tenant = resolve(files[name], spec)
        serving_cell = moving_from[name].cell if moving_from and name in moving_from else tenant.cell
        port = deployed_port(spec, name, stack)
        if stack.get(SUSPENDED_OUTPUT) is True or int(stack.get("cell", 1)) != serving_cell:
            continue
        if port is not None and port != tenant.container_port:
            found[name] = port
    return found


@dataclass(frozen=True)
class FirstPass:
    """What the first passes left: their results (each failed or cancelled unless its switch may go ahead), the
    tenants whose second pass must not run, and each change as the report says it."""

    results: list[StackResult]
    held: set[str]
    changes: list[PortChange]
    interrupted: bool = False


def first_passes(
    session: Session, spec: TenantsFile, ports: Mapping[str, int], build: FirstPasses, run: Run
) -> FirstPass:
    """Run the first pass of every change, then wait for each new port's target group to be healthy."""
    report = run(build(ports))
    health = cutover.health_reader(session, spec.platform.region)
    results, held, changes = [], set(), []
    for result in report.results:
        name = str(result.target.tenant)
        port = resolve(next(t for t in spec.tenants if t.name == name), spec).container_port
        change = PortChange(name, ports[name], port)
        reason = f"port {ports[name]} -> {port}, first pass: the new tasks in both ports' target groups"
        result = replace(result, reason=reason)
        if result.status is not Status.SUCCEEDED:
            held.add(name)
        elif health is not None:
            arn = str(result.outputs.get(PORT_TARGET_GROUP_OUTPUT) or "")
            waited = cutover.wait_for(session, health, arn)
            change = replace(change, health_reads=waited.looks)
            if not waited.ok:
                held.add(name)
                result = _not_switched(result, port, ports[name], str(waited.problem), session.cancellation.is_set())
        results.append(result)
        changes.append(change)
    return FirstPass(results, held, changes, report.interrupted)


def _not_switched(result: StackResult, port: int, was: int, problem: str, cancelled: bool) -> StackResult:
    name = result.target.tenant
    error = (
        f"{name}: port {port}'s target group is {problem}; the listener rule still forwards to port {was}'s, which"
        f" serves the tenant: `saasctl tenant up {name}` runs the change again"
    )
    return replace(result, status=Status.CANCELLED if cancelled else Status.FAILED, error=error)


def deploy(
    session: Session,
    spec: TenantsFile,
    deployed: Deployed,
    decisions: list[Decision],
    run: Run,
    build: FirstPasses,
    moving_from: Mapping[str, PreviousCell] | None = None,
) -> RunReport:
    """Deploy the decided stacks (``run``: an orchestrator's run), each whose port changed in two passes
    (``build``: their first passes' stacks)."""
    ports = changing(spec, deployed, decisions, moving_from)
    if not ports:
        return converge.run(Operation.UP, decisions, run)
    first = first_passes(session, spec, ports, build, run)
    return with_second_passes(first, decisions, lambda decided: converge.run(Operation.UP, decided, run))


def with_second_passes(
    first: FirstPass, decisions: list[Decision], run: Callable[[list[Decision]], RunReport]
) -> RunReport:
    """The plain deploy of every decided stack but those held back, after the first passes' results; each change
    says whether its second pass switched it."""
    report = run([d for d in decisions if d.target.tenant not in first.held])
    switched = {r.target.tenant for r in report.results if r.status is Status.SUCCEEDED}
    report.results = first.results + report.results
    report.interrupted = report.interrupted or first.interrupted
    report.port_changes = [replace(c, switched=c.tenant in switched) for c in first.changes]
    return report
