"""The terminal the services talk to: notices, questions, and stack operations shown running, with Ctrl-C
and SIGTERM handled (the first cancels cleanly, a second exits at once)."""

import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

import typer

from saas_ctl.cli.output import Output
from saas_ctl.errors import EXIT_INTERRUPTED

if TYPE_CHECKING:  # imported where used: `saasctl --help` should not pay for the orchestration
    from saas_ctl.engine.base import StackResult
    from saas_ctl.orchestration.session import Session


class Terminal:
    """The service layer's Interaction at the CLI: notices and warnings on stderr, questions asked there only
    when stdin is a terminal, and a progress display with Ctrl-C handling while stacks run. ``diff``: previews
    shown before a question list each changed property, old and new (``--diff``)."""

    def __init__(self, output: Output, diff: bool = False) -> None:
        self.output = output
        self.diff = diff

    @property
    def interactive(self) -> bool:
        return sys.stdin.isatty()

    def notice(self, text: str) -> None:
        self.output.info(text)

    def warn(self, text: str) -> None:
        self.output.warn(text)

    def success(self, text: str) -> None:
        self.output.success(text)

    def ask(self, question: str) -> bool:
        return typer.confirm(question, default=False, err=True)

    def show_changes(self, results: "Sequence[StackResult]") -> None:
        from saas_ctl.cli.changes import data_warnings, preview_lines

        self.output.info("the preview says:")
        for line in preview_lines(results, self.diff):
            self.output.info(line)
        for line in data_warnings(results):
            self.output.warn(line)

    def running(self, session: "Session") -> "AbstractContextManager[Session]":
        return progress_and_signals(self.output, session)


def exit_at_once(json_mode: bool | None, running: "Sequence[str]" = ()) -> None:
    """A second signal: end every process the command started (the Pulumi CLI and its providers, each of which
    runs in a process group of its own) and exit 130 now, with the run's one JSON document under --json. A
    SystemExit would wait for the worker threads still inside their stack operations."""
    from saas_ctl.cli.output import print_interrupted_document
    from saas_ctl.engine.pulumi.processes import end_descendants

    end_descendants()
    with contextlib.suppress(Exception):
        print_interrupted_document("interrupted a second time: exited at once", running, json_mode)
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


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
        output.interrupted = True
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
        exit_at_once(output.json_mode, running)

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
