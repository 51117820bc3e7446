"""The root of the CLI: its global options; its commands and groups are listed in cli/commands.py."""

import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Annotated

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


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except KeyboardInterrupt:
        # The signal came while Typer was still building the command (before its own handling, which ends an
        # interrupted command line with 130, and before a command's output.reporting): the same exit, no trace.
        from saas_ctl.errors import EXIT_INTERRUPTED

        raise SystemExit(EXIT_INTERRUPTED) from None
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:  # a closed stdout never turns a result into a failure
            from saas_ctl.cli.output import discard_stdout

            discard_stdout()


__all__ = ["Path", "app", "main"]
