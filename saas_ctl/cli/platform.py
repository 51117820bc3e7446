"""`saasctl platform ...`: the shared platform stack of the environment."""

import typer

from saas_ctl.cli.commands import group_app
from saas_ctl.cli.context import FileOption, JsonOption, command_session
from saas_ctl.cli.help_text import epilog
from saas_ctl.cli.options import (
    BackendOption,
    DeployYesOption,
    DetailedExitcodeOption,
    DiffOption,
    LocalOption,
    SkipPreflightOption,
    YesOption,
)
from saas_ctl.cli.results import conclude
from saas_ctl.cli.terminal import Terminal
from saas_ctl.engine.operations import Operation

app = group_app("platform")


def _run(
    ctx: typer.Context,
    operation: Operation,
    file: FileOption,
    json_mode: bool,
    backend: str | None,
    local: bool,
    skip_preflight: bool = True,
    yes: bool = True,
    diff: bool = False,
    detailed_exitcode: bool = False,
) -> None:
    from saas_ctl.service.platform import platform

    deploys = operation is Operation.UP
    with command_session(ctx, file, json_mode, backend, local, parallel=1, deploys=deploys) as (cli, rt):
        outcome = platform(rt, Terminal(cli.output, diff), operation, skip_preflight, yes)
        conclude(cli.output, outcome, diff, detailed_exitcode)


@app.command(epilog=epilog("platform preview"))
def preview(
    ctx: typer.Context,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    diff: DiffOption = False,
    detailed_exitcode: DetailedExitcodeOption = False,
) -> None:
    """Show what `platform up` would change: each resource replaced, deleted, created or updated, replacements and
    deletes first, what forces each replacement, and (--diff) each changed property, old → new."""
    _run(ctx, Operation.PREVIEW, file, json_mode, backend, local, diff=diff, detailed_exitcode=detailed_exitcode)


@app.command(epilog=epilog("platform up"))
def up(
    ctx: typer.Context,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    skip_preflight: SkipPreflightOption = False,
    yes: DeployYesOption = False,
    diff: DiffOption = False,
) -> None:
    """Create or update the platform stack (preflight runs first; any error stops it with exit code 2).

    On a terminal it shows what the preview says will change and asks first; --yes skips the question, and
    off a terminal (CI) nothing is asked.
    """
    _run(ctx, Operation.UP, file, json_mode, backend, local, skip_preflight=skip_preflight, yes=yes, diff=diff)


@app.command(epilog=epilog("platform refresh"))
def refresh(
    ctx: typer.Context,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Reconcile the platform stack's state with what exists in AWS."""
    _run(ctx, Operation.REFRESH, file, json_mode, backend, local)


@app.command(epilog=epilog("platform destroy"))
def destroy(
    ctx: typer.Context,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    yes: YesOption = False,
) -> None:
    """Destroy the platform stack. Refused while any tenant stack exists."""
    _run(ctx, Operation.DESTROY, file, json_mode, backend, local, yes=yes)


@app.command(epilog=epilog("platform outputs"))
def outputs(
    ctx: typer.Context,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Print the platform stack's outputs (what every tenant stack is built against) and its cells: each ALB's
    DNS name and how many tenants it serves of its tenants_per_cell. A platform not deployed (or whose first
    deploy failed) is said to be so, with the cells the file asks for."""
    from saas_ctl.service.inventory.cells import platform_view

    with command_session(ctx, file, json_mode, backend, local, reads_only=True) as (cli, rt):
        view = platform_view(rt)
        values, views = view.outputs, view.cells

        def text() -> None:
            if not view.deployed:
                cli.output.print(f"platform stack {view.stack}: not deployed (`saasctl platform up` creates it)")
            for key, value in values.items():
                if key != "cells":
                    cli.output.print(f"{key}: {value}")
            cli.output.print("cells:")
            for cell in views:
                cli.output.print(f"  {cell.describe()}")

        document = {"deployed": view.deployed, "outputs": values, "cells": [cell.to_json() for cell in views]}
        cli.output.result(document, text)
