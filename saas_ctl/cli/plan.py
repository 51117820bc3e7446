"""`saasctl plan`: what would be created, offline (no credentials, no Pulumi CLI)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.interrupts import between_steps
from saas_ctl.cli.output import Output, reporting

if TYPE_CHECKING:
    from saas_ctl.engine.base import StackResult


def plan(
    ctx: typer.Context,
    tenant: Annotated[
        list[str] | None,
        typer.Option(
            "--tenant",
            "-t",
            metavar="NAME",
            help="Plan only this tenant's stack (repeatable); shows its resources.",
            autocompletion=tenant_names,
        ),
    ] = None,
    detail: Annotated[
        bool, typer.Option("--detail", help="Every stack's resources with their AWS names, not one line a stack.")
    ] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
) -> None:
    """Show what the platform and tenant stacks would create, without AWS credentials or Pulumi CLI.

    The real programs run under Pulumi mocks; tenant stacks use placeholder platform outputs. This is what the
    programs declare, not what a deploy would change: `saasctl apply --dry-run` asks the engine that. By default
    one line per stack (its resource count and the tenant settings that differ between tenants) and a total;
    --tenant NAME or --detail list each stack's resources with the names AWS will know them by.

    Piped, one tab-separated line per row, no header, always these columns: by default stack, kind, resources,
    hosts, cell, priority, cpu, memory, desired, scaling, port, image (empty where a stack has none); with
    --tenant or --detail: stack, type, name, AWS name. With --json: {"stacks": [{"project", "stack",
    "resources": [{"type", "name", "inputs", "options"}]}]}, secrets masked.
    """
    from saas_ctl.service import plan as planning  # imports pulumi: only when planning
    from saas_ctl.service.inventory import plan as plan_view
    from saas_ctl.spec import loader

    cli = application(ctx, file, json_mode)
    with reporting(cli.output), between_steps() as stop:
        spec = loader.load(cli.file).spec
        results = planning.plan(spec, tenant or (), stop.is_set, _progress(cli.output))

        def text() -> None:
            if tenant or detail:
                for result in results:
                    title = f"{result.target.label}: {len(result.resources)} resources"
                    rows = plan_view.detail_rows(result)
                    cli.output.records(plan_view.DETAIL_COLUMNS[1:], rows, title, piped_prefix=result.target.label)
            else:
                piped = not cli.output.stdout_is_terminal()
                columns, rows = plan_view.summary_rows(spec, results, every_setting=piped)
                cli.output.records(columns, rows)
            cli.output.info(plan_view.total(results))
            cli.output.info(plan_view.OFFLINE_VIEW)

        cli.output.result({"stacks": [_stack_json(r) for r in results]}, text)


def _progress(output: Output) -> Callable[[int, int], None]:
    """Progress on stderr while stacks are synthesised: about ten lines for a long plan, none for a short one."""

    def report(done: int, total: int) -> None:
        step = max(total // 10, 1)
        if total >= 20 and (done % step == 0 or done == total):
            output.info(f"synthesised {done} of {total} stacks")

    return report


def _stack_json(result: "StackResult") -> dict[str, object]:
    return {
        "project": result.target.project,
        "stack": result.target.stack,
        "resources": [r.to_json() for r in result.resources],
    }
