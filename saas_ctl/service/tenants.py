"""`saasctl tenant up|preview|refresh`: the named tenants' stacks, and the deploy that `tenant add` and
`tenant move` end with."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saas_ctl import lifecycle
from saas_ctl.engine.operations import Operation
from saas_ctl.errors import UsageError
from saas_ctl.service import policy
from saas_ctl.service.interaction import Interaction, Outcome

if TYPE_CHECKING:
    from infra.outputs import PlatformOutputs
    from saas_ctl.lifecycle import Session
    from saas_ctl.spec.loader import LoadedSpec


def retry_command(file: Path, verb: str) -> Callable[[list[str]], str]:
    """The command that runs ``tenant <verb>`` again for the tenants that failed, shell-quoted."""

    def command(names: list[str]) -> str:
        return shlex.join(["saasctl", "tenant", verb, *names, "-f", str(file)])

    return command


def operate(
    session: Session,
    ui: Interaction,
    operation: Operation,
    names: Sequence[str],
    all_: bool,
    skip_preflight: bool = False,
    yes: bool = True,
) -> Outcome:
    """Refused before anything runs when no platform is deployed; ``up`` runs preflight and (at a terminal)
    shows the preview and asks first."""
    if not names and not all_:
        raise UsageError("name the tenants to act on, or pass --all")
    if names and all_:
        raise UsageError("pass tenant names or --all, not both")
    loaded = lifecycle.load(session)
    chosen = list(names) or [t.name for t in loaded.spec.tenants]
    # Read once; refused here, before preflight, when there is no platform.
    deployed = lifecycle.platform_outputs(session, loaded.spec)
    if operation is Operation.UP:
        policy.preflight_or_warn(session, ui, loaded, skip_preflight)
        failed = policy.confirm_changes(
            session,
            ui,
            f"Apply these changes to {len(chosen)} tenant stack(s)?",
            yes,
            lambda live: lifecycle.preview_tenants(live, loaded, chosen, deployed),
        )
        if failed is not None:
            return Outcome(failed)
    return deploy(session, ui, loaded, chosen, operation, deployed=deployed)


def deploy(
    session: Session,
    ui: Interaction,
    loaded: LoadedSpec,
    names: Sequence[str],
    operation: Operation,
    extra: dict[str, Any] | None = None,
    deployed: PlatformOutputs | None = None,
) -> Outcome:
    """Run ``operation`` on the named tenants' stacks; a deploy of a tenant in a cell the platform does not
    have yet brings the platform up first. ``deployed``: the platform's outputs, if read already."""
    reports = []
    with ui.running(session) as live:
        platform = lifecycle.cells_for(live, loaded, list(names), deployed) if operation is Operation.UP else None
        if platform is not None:
            reports.append(platform)
            deployed = None  # changed: read again
        if platform is None or platform.ok:
            reports.append(lifecycle.tenants(live, loaded, list(names), operation, deployed))
    verb = "up" if operation is Operation.UP else str(operation)
    return Outcome(reports, retry_command(session.file, verb), extra or {})
