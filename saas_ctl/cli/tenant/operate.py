"""`saasctl tenant up|preview|refresh`: operate on the named tenants' stacks."""

from typing import Annotated

import typer

from saas_ctl.cli.context import FileOption, JsonOption, command_session
from saas_ctl.cli.options import (
    BackendOption,
    DeployYesOption,
    DetailedExitcodeOption,
    DiffOption,
    LocalOption,
    ParallelOption,
    SkipPreflightOption,
)
from saas_ctl.cli.results import conclude
from saas_ctl.cli.tenant.group import AllOption, Names
from saas_ctl.cli.terminal import Terminal
from saas_ctl.engine.operations import Operation


def _operate(
    ctx: typer.Context,
    operation: Operation,
    names: list[str] | None,
    all_: bool,
    file: FileOption,
    json_mode: bool,
    backend: str | None,
    local: bool,
    parallel: int,
    skip_preflight: bool = False,
    yes: bool = True,
    diff: bool = False,
    detailed_exitcode: bool = False,
    redeploy: bool = False,
) -> None:
    from saas_ctl.service.tenants import operate

    deploys = operation is Operation.UP
    with command_session(ctx, file, json_mode, backend, local, parallel=parallel, deploys=deploys) as (cli, rt):
        ui = Terminal(cli.output, diff)
        outcome = operate(rt, ui, operation, names or [], all_, skip_preflight, yes, redeploy)
        conclude(cli.output, outcome, diff, detailed_exitcode)


def up(
    ctx: typer.Context,
    names: Names = None,
    all_: AllOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    parallel: ParallelOption = 4,
    skip_preflight: SkipPreflightOption = False,
    yes: DeployYesOption = False,
    diff: DiffOption = False,
    redeploy: Annotated[
        bool,
        typer.Option(
            "--redeploy",
            help="Also start a new ECS deployment of each tenant's service (fresh tasks), even when nothing changed.",
        ),
    ] = False,
) -> None:
    """Create or update tenant stacks as declared (preflight first). Needs the platform deployed.

    On a terminal it shows what the preview says will change and asks first; --yes skips the question, and
    off a terminal (CI) nothing is asked. The deploy waits for each service's rollout (--redeploy's too).
    """
    _operate(
        ctx,
        Operation.UP,
        names,
        all_,
        file,
        json_mode,
        backend,
        local,
        parallel,
        skip_preflight,
        yes,
        diff,
        redeploy=redeploy,
    )


def preview(
    ctx: typer.Context,
    names: Names = None,
    all_: AllOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    parallel: ParallelOption = 4,
    diff: DiffOption = False,
    detailed_exitcode: DetailedExitcodeOption = False,
) -> None:
    """Show what `tenant up` would change: each resource replaced, deleted, created or updated, replacements and
    deletes first, what forces each replacement, and (--diff) each changed property, old → new."""
    _operate(
        ctx,
        Operation.PREVIEW,
        names,
        all_,
        file,
        json_mode,
        backend,
        local,
        parallel,
        diff=diff,
        detailed_exitcode=detailed_exitcode,
    )


def refresh(
    ctx: typer.Context,
    names: Names = None,
    all_: AllOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    parallel: ParallelOption = 4,
) -> None:
    """Reconcile tenant stacks' state with what exists in AWS."""
    _operate(ctx, Operation.REFRESH, names, all_, file, json_mode, backend, local, parallel)
