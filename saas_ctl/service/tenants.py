"""`saasctl tenant up|preview|refresh|add|move|destroy`: the named tenants' stacks, and the edits of the file
that deploy (add, move) or follow a destroy."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from infra.inputs import PreviousCell
from infra.outputs import MOVING_TARGET_GROUP_OUTPUT
from saas_ctl.aws import hooks
from saas_ctl.engine.operations import Operation
from saas_ctl.errors import UsageError
from saas_ctl.service import policy
from saas_ctl.service.interaction import Interaction, Outcome
from saas_ctl.spec import loader, store
from saas_ctl.stacks import operations, state, suspension, targets
from saas_ctl.stacks.destroy import destroy_tenant

if TYPE_CHECKING:
    from saas_ctl.orchestration.orchestrator import RunReport
    from saas_ctl.orchestration.session import Session
    from saas_ctl.spec.loader import LoadedSpec
    from saas_ctl.spec.store import Changes, NewTenant
    from saas_ctl.stacks.state import Deployed


@dataclass(frozen=True)
class Change:
    """A change of one tenant's settings in the file, and how the command says it."""

    name: str
    changes: Changes
    question: str  # "Set cpu 512 of tenant acme in tenants.yaml": the command asks it, adding " and deploy it?"
    done: str  # said once the file is written
    unchanged: str  # said when the file already says so
    extra: dict[str, Any] = field(default_factory=dict)  # what the JSON document adds


def ready_to_edit(session: Session, ui: Interaction, skip_preflight: bool) -> Deployed:
    """Before an edit that deploys: the current file must be valid and the engine able to deploy. Returns what
    is deployed, read (once) for the rest of the command."""
    loaded = loader.load(session.file)
    state.check_engine(session, operating=True)
    deployed = state.read(session, loaded.spec)
    if skip_preflight:
        ui.warn(policy.SKIPPED_PREFLIGHT)
    return deployed


def add(session: Session, ui: Interaction, request: NewTenant, yes: bool, skip_preflight: bool) -> Outcome:
    """Declare the tenant (in the cell with the most room) and deploy it. Everything that could refuse is
    asked before the file is written: the platform, kept data, preflight and, at a terminal, the person after
    the preview, with no lock held on the file while they answer (a file changed meanwhile is not written:
    exit 2, run again). If the deploy fails the tenant stays declared; the outcome's retry deploys it again."""
    deployed = ready_to_edit(session, ui, skip_preflight)
    proposal = store.propose_add(session.file, request)
    deployed.platform()  # refused when there is no platform to deploy the tenant on
    hooks.kept_data(session, proposal.spec.spec, [request.name], deployed.tenants)  # refused when not its own
    question = f"Add tenant {request.name} to {session.file} and deploy it?"
    cost, failed = _check_and_ask(session, ui, proposal, request.name, deployed, question, yes, skip_preflight)
    if failed is not None:
        return Outcome(failed)
    loaded = store.commit(proposal)
    ui.success(f"added tenant {request.name} to {session.file}")
    extra = {"added": request.name, "monthly_cost": cost}
    outcome = deploy(session, ui, loaded, [request.name], Operation.UP, deployed, extra=extra)
    if not all(report.ok for report in outcome.reports):
        outcome.notes.append(
            f"tenant {request.name} stays declared in {session.file} but is not deployed: `saasctl tenant up"
            f" {request.name}` deploys it (or `saasctl tenant remove {request.name} --no-deploy` takes it out)"
        )
        outcome.extra["file_differs"] = f"{request.name} is declared but not deployed"
    return outcome


def move(session: Session, ui: Interaction, name: str, cell: int, yes: bool, skip_preflight: bool) -> Outcome:
    """Move the tenant to ``cell`` (asked first: its traffic moves). A deployed tenant moves in two passes
    (README "Moving a tenant without an outage"): the first adds the new cell's target group and listener rule
    and registers the service in both, while DNS still names the previous cell; once the new target group is
    healthy the file is written and the second pass switches DNS and removes the previous cell's rule and target
    group. Until then the file and the stack both say the previous cell, and running the move again completes it.
    A tenant not deployed yet is written to its new cell and deployed there; one declared suspended is only
    written (ECS would refuse to create its service). A deployed tenant the file says is suspended is refused
    before anything is touched (``suspension``)."""
    policy.confirm_destructive(
        ui, f"Move tenant {name} to cell {cell}? Its traffic moves to another load balancer.", yes
    )
    deployed = ready_to_edit(session, ui, skip_preflight)
    proposal = store.propose_move(session.file, name, cell)
    if name not in deployed.tenants and _declared_suspended(proposal, name):
        store.commit(proposal)
        ui.success(f"tenant {name} is now in cell {cell} in {session.file}")
        note = f"tenant {name} is declared suspended and was never deployed: nothing was deployed"
        return Outcome([], extra={"moved": name, "cell": cell, "deployed": False}, notes=[note])
    suspension.refuse_suspended_changes(proposal.spec.spec, deployed, [name])
    if not skip_preflight:
        policy.preflight(session, proposal.spec, deployed.tenants)
    # A stack from before cells records none: it is in cell 1 (as the platform's cell count reads it).
    was = int(deployed.tenant_outputs(name).get("cell", 1)) if name in deployed.tenants else None
    if was is not None and was != cell:
        return _move_in_two_passes(session, ui, proposal, name, cell, was, deployed)
    loaded = store.commit(proposal)
    ui.success(f"tenant {name} is now in cell {cell} in {session.file}")
    outcome = deploy(session, ui, loaded, [name], Operation.UP, deployed, extra={"moved": name, "cell": cell})
    if not all(report.ok for report in outcome.reports):
        outcome.notes.append(
            f"tenant {name} is in cell {cell} in {session.file} but not deployed: `saasctl tenant up {name}` deploys it"
        )
        outcome.extra["file_differs"] = f"{name} is in cell {cell} in the file, not deployed"
    return outcome


def _move_in_two_passes(
    session: Session, ui: Interaction, proposal: store.Proposal, name: str, cell: int, was: int, deployed: Deployed
) -> Outcome:
    from saas_ctl.aws import cutover
    from saas_ctl.engine.base import Status
    from saas_ctl.stacks.inputs import tenant_inputs

    current = loader.load_bytes(proposal.read, str(proposal.file)).spec
    previous = PreviousCell(was, tenant_inputs(current, name).priority)
    moving = proposal.spec
    extra: dict[str, Any] = {"moved": name, "cell": cell, "from_cell": was, "switched": False}
    outcome = Outcome([], lambda _: shlex.join(["saasctl", "tenant", "move", name, "--cell", str(cell)]), extra)
    again = f"`saasctl tenant move {name} --cell {cell}` runs the move again"
    stays = f"tenant {name} stays in cell {was} in {session.file} and is served from there: {again}"
    with ui.running(session) as live:
        platform = operations.cells_for(live, moving, [name], deployed)
        if platform is not None:
            outcome.reports.append(platform)
            deployed = deployed.platform_changed()
            if not platform.ok:
                outcome.reports.append(not_deployed(moving, [name], Operation.UP))
                outcome.notes.append(stays)
                return outcome
        first = operations.tenants(live, moving, [name], Operation.UP, deployed, moving_from={name: previous})
        outcome.reports.append(first)
        if not first.ok:
            outcome.notes.append(stays)
            return outcome
        health = cutover.health_reader(live, moving.spec.platform.region)
        # The last result: with a port change in the file the first pass ran in two (stacks.port_change).
        outputs = first.results[-1].outputs if first.results else {}
        if health is not None and first.results and first.results[-1].status is Status.SUCCEEDED:
            arn = str(outputs.get(MOVING_TARGET_GROUP_OUTPUT) or "")
            waited = cutover.wait_for(live, health, arn)
            extra["health_reads"] = waited.looks
            if not waited.ok:
                outcome.incomplete.append(
                    f"tenant {name}'s target group in cell {cell} is {waited.problem}; DNS and the listener rule"
                    f" were not switched. {stays}"
                )
                return outcome
        loaded = store.commit(proposal)
        last: RunReport | None = None
        drained = True
        if loaded.spec.platform.dns is not None:
            # DNS first, with both cells' rules still in place; the previous one's go once cached answers expire.
            switched = replace(previous, switched=True)
            dns = operations.tenants(live, loaded, [name], Operation.UP, deployed, moving_from={name: switched})
            outcome.reports.append(dns)
            if dns.ok:
                live.cancellation.wait(cutover.DNS_DRAIN_SECONDS)
            drained = dns.ok and not live.cancellation.is_set()
        if drained:
            last = operations.tenants(live, loaded, [name], Operation.UP, deployed)
            outcome.reports.append(last)
    ui.success(f"tenant {name} is now in cell {cell} in {session.file}")
    if last is not None and last.ok:
        extra["switched"] = True
    else:  # a failed pass fails the command; an interrupted wait leaves it incomplete
        unfinished = (
            f"tenant {name} is in cell {cell} in {session.file}; its new cell is serving but the move did not"
            f" finish: `saasctl tenant up {name}` finishes it (and removes cell {was}'s rule and target group)"
        )
        (outcome.incomplete if all(r.ok for r in outcome.reports) else outcome.notes).append(unfinished)
        extra["file_differs"] = f"{name} is in cell {cell} in the file; the switch from cell {was} did not finish"
    return outcome


def _declared_suspended(proposal: store.Proposal, name: str) -> bool:
    return any(t.suspended for t in proposal.spec.spec.tenants if t.name == name)


def change(session: Session, ui: Interaction, request: Change, yes: bool, skip_preflight: bool) -> Outcome:
    """Write the tenant's changed settings (`tenant set`, `suspend`, `resume`), then deploy it, as `tenant add`
    does: preflight and, at a terminal, the preview and a question before the file is written (no lock held while
    the person answers). A change to what the file already says writes nothing and deploys the tenant as declared
    (suspending a suspended tenant changes nothing)."""
    deployed = ready_to_edit(session, ui, skip_preflight)
    proposal = store.propose_change(session.file, request.name, request.changes)
    deployed.platform()
    suspension.refuse_suspended_changes(proposal.spec.spec, deployed, [request.name])
    question = f"{request.question} and deploy it?"
    cost, failed = _check_and_ask(session, ui, proposal, request.name, deployed, question, yes, skip_preflight)
    if failed is not None:
        return Outcome(failed)
    loaded = store.commit(proposal)
    if store.unchanged(proposal):
        ui.notice(request.unchanged)
    else:
        ui.success(request.done)
    extra = {**request.extra, "changed": not store.unchanged(proposal), "monthly_cost": cost}
    return deploy(session, ui, loaded, [request.name], Operation.UP, deployed, extra=extra)


def _check_and_ask(
    session: Session,
    ui: Interaction,
    proposal: store.Proposal,
    name: str,
    deployed: Deployed,
    question: str,
    yes: bool,
    skip_preflight: bool,
) -> tuple[dict[str, Any] | None, list[RunReport] | None]:
    """What an edit of tenant ``name`` that deploys (add, change) does before the file is written: preflight of
    the proposed file (unless skipped), its cost said, and at a terminal the preview of the tenant and
    ``question``. Returns the cost's JSON form, and the preview's reports when the preview itself failed."""
    if not skip_preflight:
        policy.preflight(session, proposal.spec, deployed.tenants)
    cost = cost_of_change(ui, proposal, name)
    failed = policy.confirm_changes(
        session,
        ui,
        question,
        yes,
        lambda live: operations.preview_tenants(live, proposal.spec, [name], deployed),
    )
    return cost, failed


def cost_of_change(ui: Interaction, proposal: store.Proposal, name: str) -> dict[str, Any] | None:
    """Say what the edit does to the monthly bill, before the preview and the question; its JSON form (None
    without prices for the Region)."""
    from saas_ctl.cost.change import monthly_change

    before = loader.load_bytes(proposal.read, str(proposal.file)).spec
    change = monthly_change(before, proposal.spec.spec, name)
    if change is None:
        return None
    ui.notice(change.describe())
    return change.to_json()


def destroy(session: Session, ui: Interaction, name: str, delete_data: bool, yes: bool) -> Outcome:
    """Destroy and remove the tenant's stack, then its entry in the file; its data is kept unless
    ``delete_data``. Asked first, or needs ``yes`` off a terminal."""
    what = "and DELETE ITS DATA (bucket objects, secret)" if delete_data else "(its bucket and secret are kept)"
    policy.confirm_destructive(ui, f"Destroy tenant {name} {what}?", yes)
    state.check_engine(session, operating=True)
    with ui.running(session) as live:
        ended = destroy_tenant(live, name, delete_data)
    outcome = Outcome(
        [ended.report],
        extra={
            "kept": ended.kept,
            "deleted": ended.deleted,
            "keep_restored": ended.keep_restored,
            "read_back": ended.read_back,
            "removed_from_file": ended.removed_from_file,
        },
    )
    if ended.keep_restored:
        outcome.notes.append(
            f"tenant {name}'s stack was set to delete its data (an earlier `tenant destroy --delete-data` did not"
            " finish): keep mode was re-applied before the destroy"
        )
    if not ended.report.ok:
        if delete_data and ended.report.operation is Operation.DESTROY:
            outcome.notes.append(
                f"tenant {name}'s stack is now set to delete its data on destroy; `saasctl tenant destroy {name}`"
                " (without --delete-data) re-applies keep mode first"
            )
        return outcome
    outcome.done += [f"removed tenant {name} from {session.file}"] if ended.removed_from_file else []
    outcome.done += [f"deleted {deleted}" for deleted in ended.deleted]
    source = "" if ended.read_back else " (as the program declares: the engine does not report its state)"
    outcome.notes += [f"kept {kept}{source} (delete it yourself, or destroy with --delete-data)" for kept in ended.kept]
    if ended.file_error:
        outcome.incomplete.append(
            f"tenant {name}'s stack was destroyed, but {session.file} could not be edited ({ended.file_error}):"
            f" remove tenant {name} from it by hand, or a later `saasctl apply` deploys it again"
        )
    return outcome


def retry_command(verb: str) -> Callable[[list[str]], str]:
    """The command that runs ``tenant <verb>`` again for the tenants that failed, shell-quoted (the CLI adds
    the flags the command line was given: -f, --local, --backend)."""

    def command(names: list[str]) -> str:
        return shlex.join(["saasctl", "tenant", verb, *names])

    return command


def operate(
    session: Session,
    ui: Interaction,
    operation: Operation,
    names: Sequence[str],
    all_: bool,
    skip_preflight: bool = False,
    yes: bool = True,
    redeploy: bool = False,
) -> Outcome:
    """Refused before anything runs when no platform is deployed; ``up`` runs preflight and (at a terminal)
    shows the preview and asks first. ``redeploy`` (up only): every named tenant's service starts a new ECS
    deployment, fresh tasks, even when nothing else changed."""
    if not names and not all_:
        raise UsageError("name the tenants to act on, or pass --all")
    if names and all_:
        raise UsageError("pass tenant names or --all, not both")
    loaded = loader.load(session.file)
    chosen = list(names) or [t.name for t in loaded.spec.tenants]
    state.check_engine(session, operating=True)
    deployed = state.read(session, loaded.spec)
    deployed.platform()  # refused here, before preflight, when there is no platform
    if operation is Operation.UP:
        suspension.refuse_suspended_changes(loaded.spec, deployed, chosen)
    token = redeploy_token() if redeploy and operation is Operation.UP else None
    if operation is Operation.UP:
        policy.preflight_or_warn(session, ui, loaded, skip_preflight, deployed)
        failed = policy.confirm_changes(
            session,
            ui,
            f"Apply these changes to {len(chosen)} tenant stack(s)?",
            yes,
            lambda live: operations.preview_tenants(live, loaded, chosen, deployed, token),
        )
        if failed is not None:
            return Outcome(failed)
    return deploy(session, ui, loaded, chosen, operation, deployed, redeploy=token)


def redeploy_token(now: datetime | None = None) -> str:
    """New at every `tenant up --redeploy`: the UTC time, to the second."""
    return targets.deployment_token(now)


def not_deployed(loaded: LoadedSpec, names: Sequence[str], operation: Operation) -> RunReport:
    """The tenants of a deploy whose platform update (opening their cell) failed: not started, each failed."""
    from saas_ctl.engine.base import ErrorKind, StackResult, Status
    from saas_ctl.orchestration.orchestrator import RunReport
    from saas_ctl.spec.cells import cell_of
    from saas_ctl.stacks.targets import orphan_target

    spec = loaded.spec
    cells = {t.name: cell_of(t) for t in spec.tenants}
    results = [
        StackResult(
            orphan_target(spec, name),
            operation,
            Status.FAILED,
            error=f"{name}: not deployed: the platform update that opens its cell {cells.get(name)} failed",
            error_kind=ErrorKind.FAILED,
        )
        for name in names
    ]
    return RunReport(operation, results)


def deploy(
    session: Session,
    ui: Interaction,
    loaded: LoadedSpec,
    names: Sequence[str],
    operation: Operation,
    deployed: Deployed,
    extra: dict[str, Any] | None = None,
    redeploy: str | None = None,
) -> Outcome:
    """Run ``operation`` on the named tenants' stacks; a deploy of a tenant in a cell the platform does not
    have yet brings the platform up first."""
    reports = []
    with ui.running(session) as live:
        platform = operations.cells_for(live, loaded, list(names), deployed) if operation is Operation.UP else None
        if platform is not None:
            reports.append(platform)
            deployed = deployed.platform_changed()
        if platform is None or platform.ok:
            reports.append(operations.tenants(live, loaded, list(names), operation, deployed, redeploy))
        else:  # the tenants wait for a cell that could not be opened: each fails, and the retry names them
            reports.append(not_deployed(loaded, names, operation))
    verb = "up" if operation is Operation.UP else str(operation)
    return Outcome(reports, retry_command(verb), extra or {})
