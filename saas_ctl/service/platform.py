"""`saasctl platform preview|up|refresh|destroy`: the shared platform stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

from saas_ctl.engine.operations import Operation
from saas_ctl.service import policy
from saas_ctl.service.interaction import Interaction, Outcome
from saas_ctl.spec import loader
from saas_ctl.stacks import operations, state

if TYPE_CHECKING:
    from saas_ctl.orchestration.session import Session


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
        policy.preflight_or_warn(session, ui, loaded, skip_preflight, deployed)
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
