"""`saasctl plan`: what would be created, offline (no credentials, no Pulumi CLI)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Annotated

import typer

from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.interrupts import between_steps
from saas_ctl.cli.output import reporting

if TYPE_CHECKING:
    from saas_ctl.engine.base import StackResult


def plan(
    ctx: typer.Context,
    tenant: Annotated[
        list[str] | None, typer.Option("--tenant", "-t", help="Plan only this tenant's stack (repeatable).")
    ] = None,
    file: FileOption = None,
    json_mode: JsonOption = False,
) -> None:
    """Show the resources the platform and tenant stacks would create, without AWS credentials or Pulumi CLI.

    The real programs run under Pulumi mocks; tenant stacks use placeholder platform outputs. With --json:
    {"stacks": [{"project", "stack", "resources": [{"type", "name", "inputs"}]}]}, secret inputs masked.
    """
    from saas_ctl import plan as planning  # imports pulumi: only when planning
    from saas_ctl.spec import loader

    cli = application(ctx, file, json_mode)
    with reporting(cli.output), between_steps() as stop:
        spec = loader.load(cli.file).spec
        results = planning.plan(spec, tenant or (), stop.is_set)
        if cli.output.json_mode:
            cli.output.document({"stacks": [_stack_json(r) for r in results]})
            return
        for result in results:
            title = f"{result.target.label}: {len(result.resources)} resources"
            cli.output.records(("type", "count", "names"), _stack_rows(result), title, piped_prefix=result.target.label)


def _stack_json(result: StackResult) -> dict[str, object]:
    return {
        "project": result.target.project,
        "stack": result.target.stack,
        "resources": [r.to_json() for r in result.resources],
    }


def _stack_rows(result: StackResult) -> list[list[str]]:
    counts = Counter(r.type for r in result.resources)
    names: dict[str, list[str]] = {}
    for resource in result.resources:
        names.setdefault(resource.type, []).append(resource.name)
    return [[kind, str(counts[kind]), ", ".join(names[kind])] for kind in sorted(counts)]
