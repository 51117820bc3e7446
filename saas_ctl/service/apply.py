"""`saasctl apply`: converge every stack to the file, optionally as one shard of a CI matrix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from saas_ctl.service import policy
from saas_ctl.service.interaction import Interaction, Outcome
from saas_ctl.service.tenants import retry_command
from saas_ctl.spec import loader
from saas_ctl.stacks import fleet, state

if TYPE_CHECKING:
    from saas_ctl.orchestration.session import Session


@dataclass(frozen=True)
class ApplyRequest:
    shard: str = "1/1"
    prune: bool = False
    platform_wait: float = 1800.0  # shards other than 1: seconds to wait for the platform
    dry_run: bool = False
    skip_preflight: bool = False
    yes: bool = False


def apply(session: Session, ui: Interaction, request: ApplyRequest) -> Outcome:
    """Preflight, then (after a preview and a yes at a terminal) the platform and every tenant of the shard;
    with ``prune``, the stacks of tenants no longer declared too. ``dry_run`` previews and changes nothing."""
    part = fleet.Shard.parse(request.shard)
    loaded = loader.load(session.file)
    state.check_engine(session, operating=True)
    deployed = state.read(session, loaded.spec)
    checked = policy.preflight_or_warn(session, ui, loaded, request.skip_preflight, deployed)
    orphans = fleet.plan(loaded, deployed.tenants, part, request.prune).orphans
    deployed.refuse_foreign_tenants(orphans)  # before anything: they may be another environment's
    if request.dry_run:
        with ui.running(session) as live:
            seen = fleet.preview(live, loaded, part, request.prune, deployed)
        for name in seen.not_previewed:
            ui.notice(f"{name}: would be created once the platform (or its cell) is up")
        for name in seen.would_destroy:
            ui.notice(f"{name}: its stack would be destroyed (--prune; its bucket and secret are kept)")
        extra = {"shard": request.shard, "dry_run": True, "not_previewed": seen.not_previewed}
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
        lambda live: fleet.preview(live, loaded, part, request.prune, deployed).reports,
    )
    if failed is not None:
        return Outcome(failed)
    if orphans:
        question = f"Destroy the stacks of {len(orphans)} tenant(s) no longer declared ({', '.join(orphans)})?"
        policy.confirm_destructive(ui, question, request.yes)
    with ui.running(session) as live:
        reports = fleet.apply(live, loaded, part, request.prune, request.platform_wait, deployed)
    return Outcome(reports, retry_command("up"), {"shard": request.shard})
