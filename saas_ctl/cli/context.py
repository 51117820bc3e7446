"""Shared CLI state: the options every command accepts, and the application object built from them."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from saas_ctl import settings
from saas_ctl.spec import DEFAULT_FILE

if TYPE_CHECKING:
    from saas_ctl.cli.output import Output
    from saas_ctl.orchestration.session import Session

FileOption = Annotated[
    Path | None,
    typer.Option(
        "--file",
        "-f",
        envvar=settings.FILE.name,
        metavar="FILE",
        show_default=f"./{DEFAULT_FILE}",
        help="The tenants file (desired state).",
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON document on stdout and nothing else (for scripts and CI)."),
]


class GlobalOptions(NamedTuple):  # NamedTuples, not dataclasses: they cost `saasctl --help` far less to define
    file: Path | None = None
    json: bool = False


class Application(NamedTuple):
    """What a command needs: the tenants file to act on and where to print."""

    file: Path
    output: "Output"


def application(ctx: typer.Context, file: Path | None, json_mode: bool) -> Application:
    """Combine a command's own -f/--json with those given before the command name."""
    root = ctx.find_root().obj
    globals_ = root if isinstance(root, GlobalOptions) else GlobalOptions()
    chosen = file or globals_.file or Path(DEFAULT_FILE)
    from saas_ctl.cli.invocation import Invocation
    from saas_ctl.cli.output import Output  # rich's console and the error types: not for `saasctl --help`

    # What a suggested command repeats: the file, and this command's --local and --backend as parsed.
    invocation = Invocation.of(chosen, ctx.params)
    return Application(chosen, Output(json_mode or globals_.json, invocation))


def _ready(engine: object) -> bool:
    """Whether the engine can run at all: a command it cannot run for stops with that reason alone."""
    from saas_ctl.engine.base import check_ready
    from saas_ctl.errors import NotReady

    try:
        check_ready(engine)
    except NotReady:
        return False
    return True


def session(
    app: Application,
    backend: str | None,
    local: bool,
    parallel: int = 4,
    fail_fast: bool = False,
    reads_only: bool = False,
    deploys: bool = False,
) -> "Session":
    """What the command's stack operations run with, from its flags and the environment (``saas_ctl.settings``:
    parsed here, so an invalid value stops the command before anything runs) and the state the tenants file
    names (saas_ctl.state.location). ``reads_only``: a command that only looks (what only deploys read is not
    parsed); ``deploys``: one that changes stacks, warned once when a real account's only state is here."""
    from saas_ctl.aws import emulator
    from saas_ctl.engine.select import engine_from_environment
    from saas_ctl.orchestration.orchestrator import Options
    from saas_ctl.orchestration.session import Session
    from saas_ctl.state import location as state

    rollout_timeout = settings.ROLLOUT_TIMEOUT.default if reads_only else settings.ROLLOUT_TIMEOUT.value()
    workdir = Path.cwd()
    endpoint = emulator.endpoint(workdir) if local else None
    where = state.resolve(app.file, backend, local, workdir)
    engine = engine_from_environment(workdir, backend, where)
    if deploys and where.on_this_machine_only and settings.ENGINE.value() == "pulumi" and _ready(engine):
        app.output.warn(state.only_copy_warning(where))
    options = Options(parallel=parallel, fail_fast=fail_fast)
    return Session(engine, app.file, endpoint, options=options, rollout_timeout=rollout_timeout)


@contextmanager
def command_session(
    ctx: typer.Context,
    file: Path | None,
    json_mode: bool,
    backend: str | None,
    local: bool,
    *,
    parallel: int = 4,
    reads_only: bool = False,
    deploys: bool = False,
) -> Iterator[tuple[Application, "Session"]]:
    """How a command that runs stack operations starts: its application (``application``), then, inside the one
    place errors become exit codes (``saas_ctl.cli.output.reporting``), its session (``session``); the command's
    block runs inside that place too."""
    from saas_ctl.cli.output import reporting

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        yield cli, session(cli, backend, local, parallel=parallel, reads_only=reads_only, deploys=deploys)
