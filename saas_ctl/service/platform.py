"""`saasctl platform preview|up|refresh|destroy`: the shared platform stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

from saas_ctl.engine.operations import Operation
from saas_ctl.service import policy
from saas_ctl.service.interaction import Interaction, Outcome
from saas_ctl.spec import loader
from saas_ctl.stacks import guards, operations, state

if TYPE_CHECKING:
    from saas_ctl.orchestration.session import Session
    from saas_ctl.spec.models import TenantsFile


def platform(
    session: Session, ui: Interaction, operation: Operation, skip_preflight: bool = True, yes: bool = True
) -> Outcome:
    """``up`` runs preflight and (at a terminal) shows the preview and asks first; ``destroy`` asks, or needs
    ``yes`` off a terminal."""
    loaded = loader.load(session.file)
    if operation is Operation.DESTROY:
        platform = loaded.spec.platform
        question = f"Destroy the platform {platform.project}-{platform.environment} and everything in it?"
        policy.confirm_destructive(ui, question, yes)
    state.check_engine(session, operating=True)  # before preflight: no plugin, no CLI is said first
    deployed = state.read(session, loaded.spec)
    if operation is Operation.UP:
        guards.refuse_network_edits(session, loaded, deployed)  # before preflight and the preview
        policy.preflight_or_warn(session, ui, loaded, skip_preflight, deployed)
        _say_engine_version(session, ui, loaded.spec, deployed)
        failed = policy.confirm_changes(
            session,
            ui,
            "Apply these changes to the platform?",
            yes,
            lambda live: [operations.platform(live, loaded, Operation.PREVIEW, deployed)],
        )
        if failed is not None:
            return Outcome(failed)
    with ui.running(session) as live:
        return Outcome([operations.platform(live, loaded, operation, deployed)])


def _say_engine_version(session: Session, ui: Interaction, spec: TenantsFile, deployed: state.Deployed) -> None:
    """Which Aurora version the deploy asks for, when it is not the file's word for word (a major alone, or a
    cluster AWS has upgraded past the file: ``stacks.engine_version``)."""
    from saas_ctl.stacks.engine_version import resolve
    from saas_ctl.stacks.targets import running_engine_version

    database = spec.platform.database
    running = running_engine_version(session, spec, deployed.platform_stack)
    chosen = resolve(database.engine_version, spec.platform.region, running)
    if chosen.note:
        ui.notice(f"database: {chosen.note}")
