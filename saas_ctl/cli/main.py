"""The root of the CLI: its global options; its commands and groups are listed in cli/commands.py."""

import atexit
import contextlib
import os
import signal
import sys
import threading
from types import FrameType
from typing import Annotated, NoReturn

# SIGTERM while the CLI is still being imported (CI cancelling a job the moment it starts), or SIGINT or SIGTERM
# once the command has its result, is remembered and answered with exit 130 (instead of Python's default, death by
# the signal, -15, or an exception in the middle of the process's end).
_remembered = threading.Event()


def _remember(signum: int, frame: FrameType | None) -> None:
    _remembered.set()


if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
    signal.signal(signal.SIGTERM, _remember)

# ruff: noqa: E402 - the handler above goes in before the imports that take the start-up's time
from pathlib import Path

import typer

from saas_ctl import __version__
from saas_ctl.cli import completion, help_format
from saas_ctl.cli.commands import HELP_OPTIONS, LazyRoot
from saas_ctl.cli.context import FileOption, GlobalOptions, JsonOption
from saas_ctl.cli.help_text import overview_epilog

help_format.install()
completion.install()
app = typer.Typer(
    name="saasctl",
    help=(
        "Turn a declarative tenants.yaml into AWS infrastructure: one shared platform stack per "
        "environment and one stack per tenant, checked against AWS's constraints before anything deploys.\n\n"
        "Exit codes: 0 success, 1 an operation failed, 2 invalid input or usage, 3 changes pending (previews "
        "with --detailed-exitcode), 130 interrupted."
    ),
    epilog=overview_epilog(""),
    cls=LazyRoot,  # each command is imported and built when a command line reaches it
    no_args_is_help=True,
    add_completion=False,  # the root's own --install-completion/--show-completion take the shell: cli/completion.py
    pretty_exceptions_enable=False,
    context_settings=HELP_OPTIONS,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"saasctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    file: FileOption = None,
    json_mode: JsonOption = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    install_completion: completion.InstallCompletionOption = None,
    show_completion: completion.ShowCompletionOption = None,
) -> None:
    ctx.obj = GlobalOptions(file=file, json=json_mode)


def _terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM (CI cancelling a job) ends a command the way Ctrl-C does: exit 130, nothing left running.
    # Commands that run stack operations install their own handler for the time they run.
    raise KeyboardInterrupt


def main() -> NoReturn:
    """The process's entry: runs the command line and exits with its status. A signal that comes while the
    command is being built, or after its result (while the process ends), still ends it with 130 and, under
    --json, its one JSON document (unless it printed one)."""
    entry = _called_as_the_process_entry()
    code = run_command_line()
    if not entry or threading.current_thread() is not threading.main_thread():
        atexit.register(_answer_late_signal)
        raise SystemExit(code)
    _end(code)


def _called_as_the_process_entry() -> bool:
    """Whether main() was called from the process's __main__ module (the installed `saasctl` script, `python -m
    saas_ctl`): then saasctl ends the process itself. Called from other code (runpy.run_module in a probe, a
    test), it raises SystemExit like any function, and the interpreter ends the process."""
    caller = sys._getframe(2).f_globals
    main_module = sys.modules.get("__main__")
    return main_module is not None and caller is vars(main_module)


def run_command_line() -> object:
    """The command line run to its exit status (what ``SystemExit`` would carry), SIGINT and SIGTERM held from
    its result on."""
    from saas_ctl.errors import EXIT_INTERRUPTED

    signal.signal(signal.SIGTERM, _terminate)
    code: object = 0
    try:
        try:
            if _remembered.is_set():
                raise KeyboardInterrupt
            app()
        except SystemExit as exc:
            code = exc.code
    except KeyboardInterrupt:
        # The signal came while Typer was still building the command (before its own handling, which ends an
        # interrupted command line with 130, and before a command's output.reporting), or as the command ended
        # (while its SystemExit was being taken): the same exit, no trace.
        code = EXIT_INTERRUPTED
    while True:  # until the signals are held: one that comes before raises its KeyboardInterrupt here
        try:
            return _leaving(code)
        except KeyboardInterrupt:
            code = EXIT_INTERRUPTED


_HELD = {signal.SIGINT, signal.SIGTERM}


def _end(code: object) -> NoReturn:
    """The process's end, done here rather than by the interpreter's finalisation: non-daemon threads joined, the
    exit handlers run (coverage's, logging's), stdout and stderr flushed; then, with SIGINT and SIGTERM still
    held, one last look at whether either came, and the exit in the same breath (os._exit). Left to the
    interpreter, a signal that came during its finalisation (after any last look saasctl could take) would be
    dropped and the process would exit 0 after it."""
    from saas_ctl.errors import EXIT_INTERRUPTED

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    status = _exit_status(code)
    _flush_output()
    if _signal_came():
        status = EXIT_INTERRUPTED
    os._exit(status)


def _answer_late_signal() -> None:
    """The last look when the interpreter ends the process (atexit runs this before the handlers registered
    earlier): a signal held since the result was printed ends the process with 130."""
    if _signal_came():
        from saas_ctl.errors import EXIT_INTERRUPTED

        _flush_output()
        os._exit(EXIT_INTERRUPTED)


def _flush_output() -> None:
    """Before os._exit, which flushes nothing: what stdout and stderr hold is written out."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed reader or stream: nothing more can be printed
            stream.flush()


def _exit_status(code: object) -> int:
    """What ``raise SystemExit(code)`` would exit with: None is 0, an int is itself, anything else is printed to
    stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(Exception):
        print(code, file=sys.stderr)
    return 1


def _leaving(code: object) -> object:
    """From here to the process's end, SIGINT and SIGTERM are held (Python's finalisation puts back the default
    handlers, under which a late SIGTERM would end the process as -15): one that came is answered with 130.

    Holding them runs the handler of a signal that came just before (CPython's pthread_sigmask checks for
    signals after it changes the mask), whose KeyboardInterrupt the caller takes as that signal; from then on
    none reaches a handler in this thread, and one delivered to another thread is only remembered."""
    if threading.current_thread() is threading.main_thread():
        signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        signal.signal(signal.SIGINT, _remember)
        signal.signal(signal.SIGTERM, _remember)
    from saas_ctl.cli.output import discard_stdout, print_interrupted_document
    from saas_ctl.errors import EXIT_INTERRUPTED

    if _signal_came():
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:
        print_interrupted_document("interrupted")
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # a closed stdout never turns a result into a failure
        discard_stdout()
    return code


def _signal_came() -> bool:
    """Whether SIGINT or SIGTERM came since they were held (pending), or was remembered by its handler."""
    return bool(signal.sigpending() & _HELD) or _remembered.is_set()


__all__ = ["Path", "app", "main"]
