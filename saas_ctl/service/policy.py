"""The policy every deploying command follows: preflight first (or say loudly that it was skipped), show what
will change and ask before changing anything at a terminal, and demand --yes for what destroys off one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from saas_ctl.errors import EXIT_FAILED, ExitStatus, UsageError
from saas_ctl.service.interaction import Interaction
from saas_ctl.stacks import state

if TYPE_CHECKING:
    from saas_ctl.orchestration.orchestrator import RunReport
    from saas_ctl.orchestration.session import Session
    from saas_ctl.preflight.run import Report
    from saas_ctl.spec.loader import LoadedSpec
    from saas_ctl.stacks.state import Deployed

SKIPPED_PREFLIGHT = "preflight skipped (--skip-preflight): AWS constraints were not checked"


def preflight_or_warn(
    session: Session, ui: Interaction, loaded: LoadedSpec, skip: bool, deployed: Deployed | None = None
) -> Report | None:
    """Preflight before a deploy (exit 2 on any error, with every finding), or warn that it was skipped (None)."""
    from saas_ctl.preflight.run import describe

    if skip:
        ui.warn(SKIPPED_PREFLIGHT)
        return None
    known = (deployed or state.read(session, loaded.spec)).tenants
    report = preflight(session, loaded, known)
    count = len(report.warnings)
    ui.notice(f"preflight passed ({report.mode}, {count} warning{'s' if count != 1 else ''})")
    for finding in report.warnings:
        ui.notice("  " + describe(finding, str(session.file)))
    return report


def preflight(session: Session, loaded: LoadedSpec, deployed: Sequence[str] | None = None) -> Report:
    """Preflight before a deploy; raises :class:`PreflightFailed` (exit 2) on any error. ``deployed``: the
    tenant stacks that exist (their own buckets and secrets are not leftovers)."""
    from saas_ctl.preflight.run import Mode, PreflightFailed
    from saas_ctl.preflight.run import run as run_preflight

    report = run_preflight(loaded, Mode.AUTO, session.endpoint_url, set(deployed) if deployed is not None else None)
    if report.errors:
        raise PreflightFailed(report, str(session.file))
    return report


def confirm_changes(
    session: Session,
    ui: Interaction,
    question: str,
    yes: bool,
    preview: Callable[[Session], list[RunReport]],
) -> list[RunReport] | None:
    """At a terminal: show what the engine's preview says will change, stack by stack and resource by resource
    (a replaced or deleted resource that holds data on a line of its own), and ask; --yes skips both, and off a
    terminal (CI) nothing is asked. "No" changes nothing (exit 1). Returns the preview's reports when the
    preview itself failed or was interrupted: the command ends with them, changing nothing."""
    if yes or not ui.interactive:
        return None
    with ui.running(session) as live:
        reports = preview(live)
    results = [r for report in reports for r in report.results]
    if any(not r.ok for r in results) or any(report.interrupted for report in reports):
        return reports
    ui.show_changes(results)
    if not ui.ask(question):
        ui.notice("nothing was changed")
        raise ExitStatus(EXIT_FAILED)
    return None


def confirm_destructive(ui: Interaction, question: str, yes: bool) -> None:
    """What destroys asks at a terminal and needs --yes off one (CI never hangs on a prompt)."""
    if yes:
        return
    if not ui.interactive:
        raise UsageError(f"{question} Refusing without --yes because stdin is not a terminal")
    if not ui.ask(question):
        raise ExitStatus(EXIT_FAILED)
