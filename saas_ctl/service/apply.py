"""`saasctl apply`: converge every stack to the file, optionally as one shard of a CI matrix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from saas_ctl.cost.change import describe_fleet_cost, fleet_cost
from saas_ctl.engine.base import Status
from saas_ctl.service import policy
from saas_ctl.service.interaction import Interaction, Outcome
from saas_ctl.service.tenants import retry_command
from saas_ctl.spec import loader
from saas_ctl.stacks import fleet, state, suspension
from saas_ctl.stacks.converge import NOT_READABLE, Converge

if TYPE_CHECKING:
    from saas_ctl.orchestration.orchestrator import RunReport
    from saas_ctl.orchestration.session import Session


@dataclass(frozen=True)
class ApplyRequest:
    shard: str = "1/1"
    prune: bool = False
    platform_wait: float = 1800.0  # shards other than 1: seconds to wait for the platform
    dry_run: bool = False
    skip_preflight: bool = False
    yes: bool = False
    everything: bool = False  # --all: deploy every stack, whatever its fingerprint
    refresh: bool = False  # --refresh: refresh every stack's state from the cloud, then deploy it

    @property
    def choose(self) -> Converge:
        return Converge(everything=self.everything, refresh=self.refresh)


def apply(session: Session, ui: Interaction, request: ApplyRequest) -> Outcome:
    """Preflight, then (after a preview and a yes at a terminal) the platform and every tenant of the shard;
    with ``prune``, the stacks of tenants no longer declared too. ``dry_run`` previews and changes nothing."""
    part = fleet.Shard.parse(request.shard)
    loaded = loader.load(session.file)
    state.check_engine(session, operating=True)
    deployed = state.read(session, loaded.spec)
    checked = policy.preflight_or_warn(session, ui, loaded, request.skip_preflight, deployed)
    planned = fleet.plan(loaded, deployed.tenants, part, request.prune)
    orphans = planned.orphans
    deployed.refuse_foreign_tenants(orphans)  # before anything: they may be another environment's
    suspension.refuse_suspended_changes(loaded.spec, deployed, planned.tenants)  # ECS would refuse them half-way
    if request.dry_run:
        with ui.running(session) as live:
            seen = fleet.preview(live, loaded, part, request.prune, deployed, request.choose)
        say_what_runs(ui, seen.reports)
        for name in seen.not_previewed:
            ui.notice(f"{name}: would be created once the platform (or its cell) is up")
        for name in seen.would_destroy:
            ui.notice(f"{name}: its stack would be destroyed (--prune; its bucket and secret are kept)")
        cost = fleet_cost(loaded.spec, deployed.tenants)
        if cost is not None:
            ui.notice(describe_fleet_cost(cost))
        extra = {"shard": request.shard, "dry_run": True, "not_previewed": seen.not_previewed, "monthly_cost": cost}
        unpreviewed = [*seen.not_previewed, *seen.would_destroy]
        return Outcome(
            seen.reports,
            extra={**extra, "would_destroy": seen.would_destroy},
            unpreviewed_changes=unpreviewed,
            findings=checked.warnings if checked else [],
        )
    failed = policy.confirm_changes(
        session,
        ui,
        "Apply these changes?",
        request.yes,
        lambda live: fleet.preview(live, loaded, part, request.prune, deployed, request.choose).reports,
    )
    if failed is not None:
        return Outcome(failed)
    if orphans:
        question = f"Destroy the stacks of {len(orphans)} tenant(s) no longer declared ({', '.join(orphans)})?"
        policy.confirm_destructive(ui, question, request.yes)
    with ui.running(session) as live:
        reports = fleet.apply(live, loaded, part, request.prune, request.platform_wait, deployed, request.choose)
    return Outcome(reports, retry_command("up"), {"shard": request.shard})


def say_what_runs(ui: Interaction, reports: list[RunReport]) -> None:
    """`apply --dry-run`: which stacks it would deploy and why, and which it would skip and why."""
    results = [r for report in reports for r in report.results if r.reason]
    if any(r.reason == NOT_READABLE for r in results):
        ui.notice(f"every stack would be deployed: {NOT_READABLE}")
    for result in (r for r in results if r.reason != NOT_READABLE):
        name = result.target.tenant or result.target.label
        if result.status is Status.UNCHANGED:
            ui.notice(f"{name}: would be skipped: {result.reason}")
        else:
            ui.notice(f"{name}: would be deployed: {result.reason}")
