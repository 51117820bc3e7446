"""Stack operations on the platform and on tenants, with what must happen around them: the refusals first
(``guards``), the data a tenant's first deploy adopts, and the checks that make a deployed tenant usable
(``aws.hooks``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from infra.inputs import PreviousCell
from infra.outputs import PlatformOutputs
from infra.tenant.kept import KeptData
from saas_ctl.aws import hooks
from saas_ctl.engine.base import Operation, StackResult, StackTarget
from saas_ctl.orchestration.orchestrator import Options, RunReport, Verifier
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.loader import LoadedSpec
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import converge, port_change
from saas_ctl.stacks.converge import EVERY, Converge, Decision
from saas_ctl.stacks.guards import (
    missing_cells,
    refuse_missing_cells,
    refuse_network_edits,
    refuse_platform_destroy,
    waiting_for_cells,
)
from saas_ctl.stacks.state import Deployed
from saas_ctl.stacks.targets import platform_for, tenants_for


def platform(
    session: Session,
    loaded: LoadedSpec,
    operation: Operation,
    deployed: Deployed,
    choose: Converge = EVERY,
) -> RunReport:
    """Run ``operation`` on the platform stack; a destroy that would fail half-way is refused first. ``choose``:
    `apply` leaves an unchanged platform alone."""
    if operation is Operation.DESTROY:
        refuse_platform_destroy(session, loaded, deployed)
    if operation is Operation.UP:
        refuse_network_edits(session, loaded, deployed)
    outputs = deployed.platform_stack
    target = platform_for(session, loaded.spec, outputs)
    decisions = choose.decide(session, [target], [target.stack] if outputs else [])
    orchestrator = session.orchestrator(Options(parallel=1))
    return converge.run(operation, decisions, lambda stacks: orchestrator.run(operation, stacks))


def cells_for(session: Session, loaded: LoadedSpec, names: Sequence[str], deployed: Deployed) -> RunReport | None:
    """Before deploying tenants in a cell the platform does not have yet: bring the platform up, as `apply`
    always does; None when every cell they need is deployed."""
    if not missing_cells(loaded.spec, deployed.platform(), names):
        return None
    return platform(session, loaded, Operation.UP, deployed)


def preview_tenants(
    session: Session, loaded: LoadedSpec, names: Sequence[str], deployed: Deployed, redeploy: str | None = None
) -> list[RunReport]:
    """What deploying the named tenants would change: their stacks' previews, and the platform's when some of
    them are in a cell it does not have yet (their own stacks can be previewed only once it exists)."""
    waiting = waiting_for_cells(loaded.spec, deployed.platform(), names)
    reports = [platform(session, loaded, Operation.PREVIEW, deployed)] if waiting else []
    ready = [name for name in names if name not in waiting]
    if ready:
        reports.append(tenants(session, loaded, ready, Operation.PREVIEW, deployed, redeploy))
    return reports


def tenants(
    session: Session,
    loaded: LoadedSpec,
    names: Sequence[str],
    operation: Operation,
    deployed: Deployed,
    redeploy: str | None = None,
    choose: Converge = EVERY,
    gate: Verifier | None = None,
    moving_from: Mapping[str, PreviousCell] | None = None,
) -> RunReport:
    """Run ``operation`` on the named tenants' stacks (all declared tenants when ``names`` is empty); ``redeploy``:
    a token that forces a new ECS deployment of each (`tenant up --redeploy`); ``choose``: which of them run
    (`apply --dry-run` previews only those it would deploy); ``gate``: a further check of each deployed tenant,
    after the wait for its rollout (a release's health gate); ``moving_from``: the first pass of `tenant move`
    (``targets.tenants_for``). A deploy of a tenant whose container port changed runs in two passes
    (``port_change``)."""
    spec = loaded.spec
    chosen = list(names) or [t.name for t in spec.tenants]
    platform = deployed.platform()
    if operation is not Operation.DESTROY:  # a destroy runs from the stack's state, not its program
        refuse_missing_cells(spec, platform, chosen)
    kept = (
        hooks.kept_data(session, spec, chosen, deployed.tenants)
        if operation in (Operation.UP, Operation.PREVIEW)
        else {}
    )
    deploying = operation is Operation.UP
    after = _then(hooks.after_deploy(session, spec, platform), gate) if deploying else None
    before = hooks.before_deploy(session, spec, platform) if deploying else None
    stacks = tenants_for(session, spec, chosen, platform, kept=kept, redeploy=redeploy, moving_from=moving_from)
    decisions = choose.decide(session, stacks, deployed.tenants)
    if operation in (Operation.UP, Operation.PREVIEW):
        decisions = with_resumes(session, spec, platform, deployed, decisions, kept, redeploy)
    orchestrator = session.orchestrator()

    def run(targets: list[StackTarget]) -> RunReport:
        return orchestrator.run(operation, targets, after, before)

    if not deploying:
        return converge.run(operation, decisions, run)

    def first_passes(ports_from: Mapping[str, int]) -> list[StackTarget]:
        return tenants_for(
            session,
            spec,
            sorted(ports_from),
            platform,
            kept=kept,
            redeploy=redeploy,
            moving_from=moving_from,
            ports_from=ports_from,
        )

    return port_change.deploy(session, spec, deployed, decisions, run, first_passes, moving_from)


def with_resumes(
    session: Session,
    spec: TenantsFile,
    platform: PlatformOutputs,
    deployed: Deployed,
    decisions: list[Decision],
    kept: Mapping[str, KeptData],
    redeploy: str | None = None,
) -> list[Decision]:
    """The decisions, with the stacks that resume a suspended tenant rebuilt to do so. Only the stacks that run are
    asked whether they are suspended (their outputs: a Pulumi CLI run each); a tenant whose suspension was removed
    from the file has a new fingerprint, so it runs."""
    running = [d.target.tenant for d in decisions if d.run and d.target.tenant]
    resuming = deployed.resuming(spec, running)
    if not resuming:
        return decisions
    rebuilt = tenants_for(session, spec, sorted(resuming), platform, kept=kept, redeploy=redeploy, resuming=resuming)
    by_name = {target.tenant: target for target in rebuilt}
    return [
        replace(d, target=replace(by_name[d.target.tenant], refresh=d.target.refresh))
        if d.target.tenant in by_name
        else d
        for d in decisions
    ]


def _then(first: Verifier | None, second: Verifier | None) -> Verifier | None:
    """``first``, then ``second`` on what ``first`` let succeed."""
    if first is None or second is None:
        return first or second

    def both(result: StackResult) -> StackResult:
        checked = first(result)
        return second(checked) if checked.ok else checked

    return both
