"""All CLI output goes through :class:`Output`: results on stdout, progress and diagnostics on stderr.

With ``--json`` stdout carries exactly one JSON document (the result or the error) and nothing else. Every
command suggested in backticks (a hint, a retry) is printed with the flags the command line was given
(``invocation``: -f, --local, --backend), wherever it was written.
"""

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import typer
from rich.console import Console

from saas_ctl.cli.invocation import Invocation
from saas_ctl.cli.streamed import write_document
from saas_ctl.errors import EXIT_INTERRUPTED, ExitStatus, SaasctlError

# Whether this process has printed its one JSON document (an interrupt that comes after it prints no other).
_document_printed = threading.Event()


class Output:
    def __init__(self, json_mode: bool, invocation: Invocation | None = None, command: bool = True) -> None:
        """``command``: the output of a command about to run (none of its documents printed yet)."""
        if command:
            _document_printed.clear()
        self.json_mode = json_mode
        self.interrupted = False  # a signal came while stacks ran: the command ends with 130 whatever they did
        self.invocation = invocation or Invocation()
        # No emoji codes: AWS text such as a Secrets Manager ARN (":secret:") must print as it is.
        self.stdout = _StdoutConsole(soft_wrap=True, highlight=False, emoji=False, markup=False)
        self.stderr = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)

    def document(self, payload: Any) -> None:
        """Print the one JSON document of a --json run."""
        if _document_printed.is_set():
            return
        _document_printed.set()
        try:
            # Written as it is encoded: a document of a thousand stacks' results is never held whole.
            write_document(self.invocation.carry_all(payload), sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            discard_stdout()

    def result(self, document: Any, text: Callable[[], None]) -> None:
        """A command's result: under --json the one ``document``; otherwise what ``text`` prints."""
        if self.json_mode:
            self.document(document)
        else:
            text()

    def done(self, document: Any, message: str) -> None:
        """A command's result that a person reads as one line of success."""
        self.result(document, lambda: self.success(message))

    def print(self, renderable: Any = "") -> None:
        """Human result output (stdout); user data is never parsed as markup."""
        if isinstance(renderable, str):
            renderable = self.invocation.carry(renderable)
        try:
            self.stdout.print(renderable, markup=False)
        except BrokenPipeError:
            discard_stdout()

    def records(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[str]],
        title: str | None = None,
        piped_prefix: str | None = None,
    ) -> None:
        """Rows of user data: a table on a terminal, fitted to its width (cli/tables.py); piped, one
        tab-separated line per row and no header, never wrapped, for grep, cut and awk (``piped_prefix``, such
        as the stack a table is about, leads each line; ``--json`` is the format for programs)."""
        if not self.stdout_is_terminal():
            lead = [piped_prefix] if piped_prefix is not None else []
            for row in rows:
                self._line("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in [*lead, *row]))
            return
        from saas_ctl.cli import tables

        self.stdout.print(tables.fitted(columns, [list(row) for row in rows], self.stdout.width, title))

    @staticmethod
    def stdout_is_terminal() -> bool:
        """Whether stdout itself is a terminal (not what the terminal library infers from FORCE_COLOR & co)."""
        try:
            return sys.stdout.isatty()
        except (ValueError, AttributeError):
            return False

    def line(self, text: str) -> None:
        """One line of user data on stdout, exactly as given: no markup, wrapping or console processing."""
        self._line(text)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            discard_stdout()

    def _line(self, text: str) -> None:
        try:
            sys.stdout.write(text + "\n")
        except BrokenPipeError:
            discard_stdout()

    def success(self, text: str) -> None:
        self.stderr.print(f"[green]✓[/green] {markup_escaped(self.invocation.carry(text))}")

    def info(self, text: str) -> None:
        self.stderr.print(self.invocation.carry(text), markup=False)

    def warn(self, text: str) -> None:
        self.stderr.print(f"[yellow]warning:[/yellow] {markup_escaped(self.invocation.carry(text))}")

    def error(self, error: SaasctlError) -> None:
        if self.json_mode:
            self.document(error.to_json())
            return
        carry = self.invocation.carry
        self.stderr.print(f"[red]error:[/red] {markup_escaped(carry(error.message))}")
        for line in error.details():
            self.stderr.print(carry(line), markup=False)
        if error.hint:
            self.stderr.print(f"[dim]hint:[/dim] {markup_escaped(carry(error.hint))}")


class _StdoutConsole(Console):
    """rich's console for stdout, except that a reader that went away is no failure: rich's own answer to a broken
    pipe is SystemExit(1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        discard_stdout()


def interrupted_document(error: str, running: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON document of a run interrupted before it had a result to print."""
    return {
        "results": [],
        "interrupted": True,
        "error": error,
        "error_kind": "cancelled",
        **({"running": list(running)} if running else {}),
    }


def json_requested(argv: Sequence[str] | None = None) -> bool:
    """Whether the command line asks for --json, read before (or without) parsing it: for an interrupt that
    comes while the command is still being built."""
    words = list(sys.argv[1:] if argv is None else argv)
    return "--json" in (words[: words.index("--")] if "--" in words else words)


def print_interrupted_document(error: str, running: Sequence[str] = (), json_mode: bool | None = None) -> None:
    """Under --json, the one document of an interrupted run, unless one was printed already."""
    if json_requested() if json_mode is None else json_mode:
        Output(True, command=False).document(interrupted_document(error, running))


def discard_stdout() -> None:
    """The reader of stdout went away (`saasctl ... --json | head -c 10`): what was done stays done and the
    exit code stays what it is; what is left to print goes nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def markup_escaped(text: str) -> str:
    """User or AWS text in a line that has markup of its own: printed as it is."""
    from rich.markup import escape

    return escape(text)


@contextlib.contextmanager
def reporting(output: Output) -> Iterator[None]:
    """The one place where saasctl errors become messages and exit codes, and where a command that has printed
    its result ends with its exit status; nothing reaches the user as a traceback."""
    try:
        yield
    except BrokenPipeError:  # the reader of stdout went away while the result was written: it stays a success
        discard_stdout()
    except ExitStatus as status:
        raise typer.Exit(status.exit_code) from None
    except SaasctlError as exc:
        output.error(exc)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        output.stderr.print("[yellow]interrupted[/yellow]")
        if output.json_mode:
            output.document(interrupted_document("interrupted"))
        raise typer.Exit(EXIT_INTERRUPTED) from None
