"""What the lifecycle commands share: their options, the session, confirmations, signals and result rendering."""

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from saas_ctl.cli.context import Application
from saas_ctl.cli.output import Output
from saas_ctl.errors import EXIT_FAILED, EXIT_INTERRUPTED, ExitStatus

if TYPE_CHECKING:  # imported where used: `saasctl --help` should not pay for the orchestration
    from rich.table import Table

    from saas_ctl.lifecycle import Session
    from saas_ctl.orchestrator import RunReport
    from saas_ctl.service.interaction import Outcome
    from saas_ctl.spec.loader import LoadedSpec

BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend",
        envvar="PULUMI_BACKEND_URL",
        metavar="URL",
        show_default="file://./.saasctl/state",
        help="Pulumi state backend: s3://bucket/prefix (shared by a team), https://api.pulumi.com, or file://DIR.",
    ),
]
LocalOption = Annotated[
    bool,
    typer.Option(
        "--local",
        envvar="SAASCTL_LOCAL",
        help="Deploy to the local AWS emulator started by `saasctl local start`.",
    ),
]
YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (required when not on a terminal).")
]
SkipPreflightOption = Annotated[
    bool, typer.Option("--skip-preflight", help="Deploy without checking AWS constraints first (not recommended).")
]
ParallelOption = Annotated[
    int,
    typer.Option(
        "--parallel",
        "-p",
        metavar="N",
        min=1,
        max=64,
        help="Stack operations at once (each runs a Pulumi CLI and an AWS provider process).",
    ),
]


def session(
    app: Application, backend: str | None, local: bool, parallel: int = 4, fail_fast: bool = False
) -> "Session":
    from saas_ctl import local as emulator
    from saas_ctl.engine.select import engine_from_environment
    from saas_ctl.lifecycle import Session
    from saas_ctl.orchestrator import Options

    workdir = Path.cwd()
    endpoint = emulator.endpoint(workdir) if local else None
    engine = engine_from_environment(workdir, backend)
    return Session(engine, app.file, endpoint, options=Options(parallel=parallel, fail_fast=fail_fast))


class Terminal:
    """The service layer's Interaction at the CLI: notices and warnings on stderr, questions asked there only
    when stdin is a terminal, and a progress display with Ctrl-C handling while stacks run."""

    def __init__(self, output: Output) -> None:
        self.output = output

    @property
    def interactive(self) -> bool:
        return sys.stdin.isatty()

    def notice(self, text: str) -> None:
        self.output.info(text)

    def warn(self, text: str) -> None:
        self.output.warn(text)

    def ask(self, question: str) -> bool:
        return typer.confirm(question, default=False, err=True)

    def running(self, session: "Session") -> "AbstractContextManager[Session]":
        return progress_and_signals(self.output, session)


def preflight_unless_skipped(
    output: Output, rt: "Session", loaded: "LoadedSpec", skip: bool, deployed: list[str] | None = None
) -> None:
    from saas_ctl.service import policy

    policy.preflight_or_warn(rt, Terminal(output), loaded, skip, deployed)


def changes_then_confirm(
    output: Output, rt: "Session", question: str, yes: bool, preview: "Callable[[Session], list[RunReport]]"
) -> None:
    """policy.confirm_changes at the terminal; a preview that failed ends the command with its results."""
    from saas_ctl.service import policy

    failed = policy.confirm_changes(rt, Terminal(output), question, yes, preview)
    if failed is not None:
        finish(output, failed)


def confirm(output: Output, question: str, yes: bool) -> None:
    from saas_ctl.service import policy

    policy.confirm_destructive(Terminal(output), question, yes)


def conclude(output: Output, outcome: "Outcome") -> None:
    """Print what a service ran and end with its exit status."""
    finish(output, outcome.reports, outcome.retry, outcome.extra)


@contextmanager
def progress_and_signals(output: Output, rt: "Session") -> "Iterator[Session]":
    """Show progress on stderr; first Ctrl-C/SIGTERM cancels cleanly, a second one exits at once. Yields the
    session whose operations report to the display (run them with it)."""
    from saas_ctl.cli.progress import progress_for

    display = progress_for(output.stderr)
    shown = rt.with_listener(display)
    interrupts = {"count": 0}

    def handle(signum: int, frame: FrameType | None) -> None:
        interrupts["count"] += 1
        if interrupts["count"] == 1:
            output.stderr.print(
                "[yellow]interrupted: starting nothing new, cancelling running operations "
                "(press Ctrl-C again to exit at once)[/yellow]"
            )
            rt.cancellation.cancel()
            return
        running = rt.cancellation.running_labels()
        if running:
            output.stderr.print(
                "these stacks may be left locked; clear a lock with `pulumi cancel` (Pulumi Cloud) "
                "or by deleting its lock file under the backend's .pulumi/locks/:",
                markup=False,
            )
            for label in running:
                output.stderr.print(f"  {label}", markup=False)
        # At once: a SystemExit would wait for the worker threads still inside their stack operations.
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)

    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not the main thread (e.g. under some test runners): no signal handling then.
        with contextlib.suppress(ValueError):
            previous[sig] = signal.signal(sig, handle)
    try:
        with display:
            yield shown
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def finish(
    output: Output,
    reports: "list[RunReport]",
    retry: Callable[[list[str]], str] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Print the results (a summary table, or one JSON document) and exit 0, 1 or 130."""
    from saas_ctl.engine.base import Status

    results = [r for report in reports for r in report.results]
    interrupted = any(report.interrupted for report in reports)
    failed = [r for r in results if r.status is Status.FAILED]
    failed_tenants = [r.target.tenant for r in failed if r.target.tenant]
    retry_command = retry(failed_tenants) if retry and failed_tenants else None
    document = {
        "results": [r.to_json() for r in results],
        "interrupted": interrupted,
        "retry": retry_command,
        **(extra or {}),
    }

    def text() -> None:
        if results:
            output.stderr.print(_summary(results))
        for note in dict.fromkeys(r.note for r in results if r.note):
            output.stderr.print(f"note: {note}", markup=False)
        for result in failed:
            output.stderr.print(f"[red]failed:[/red] {_escape(result.error or 'unknown error')}")
        if retry_command:
            output.stderr.print(f"retry the failed ones: {retry_command}", markup=False)
        if interrupted:
            cancelled = [r.target.tenant or r.target.label for r in results if r.status is Status.CANCELLED]
            output.stderr.print(f"interrupted; not completed: {', '.join(cancelled)}", markup=False)

    output.result(document, text)
    if interrupted:
        raise ExitStatus(EXIT_INTERRUPTED)
    if failed:
        raise ExitStatus(EXIT_FAILED)


def _summary(results: list[Any]) -> "Table":
    from rich.table import Table

    from saas_ctl.engine.base import Status

    table = Table(title="result", title_justify="left")
    for column in ("stack", "operation", "status", "changes"):
        table.add_column(column, overflow="fold")
    colour = {Status.SUCCEEDED: "green", Status.FAILED: "red", Status.CANCELLED: "yellow"}
    for r in results:
        changes = ", ".join(f"{k} {v}" for k, v in sorted(r.changes.items())) or "-"
        table.add_row(_escape(r.target.label), str(r.operation), f"[{colour[r.status]}]{r.status}[/]", _escape(changes))
    return table


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
