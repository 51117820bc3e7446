"""`saasctl drift`: what AWS holds differently from the stacks' state, for a nightly CI job to branch on."""

from typing import Annotated

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, command_session
from saas_ctl.cli.options import BackendOption, LocalOption, ParallelOption
from saas_ctl.cli.results import conclude
from saas_ctl.cli.terminal import Terminal
from saas_ctl.errors import EXIT_DRIFT, ExitStatus


def drift(
    ctx: typer.Context,
    tenant: Annotated[
        list[str] | None,
        typer.Option(
            "--tenant", "-t", metavar="NAME", help="Only this tenant's stack (repeatable).", autocompletion=tenant_names
        ),
    ] = None,
    parallel: ParallelOption = 4,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Find what was changed in AWS behind saasctl's back: every stack's state against what AWS holds.

    A refresh-preview of the platform and every tenant stack (or --tenant NAME): nothing changes, neither AWS
    nor the state. Each difference is listed as resource, property, expected (the state) and found (AWS); a
    resource gone from AWS as absent. Exit code 3 when drift is found, 0 when none, 1 if a stack could not be
    looked at. `saasctl apply --refresh` brings every stack back to the file. With --json: the results, and
    "drift_found" with "drift": [{"stack", "tenant", "resource", "type", "property", "expected", "found"}].
    """
    from saas_ctl.service.drift import DriftRequest
    from saas_ctl.service.drift import drift as find_drift

    with command_session(ctx, file, json_mode, backend, local, parallel=parallel, reads_only=True) as (cli, rt):
        outcome = find_drift(rt, Terminal(cli.output), DriftRequest(tuple(tenant or ())))
        for item in outcome.extra["drift"]:
            what = f"{item['stack']}: {item['type']} {item['resource']}"
            if item["property"] is None:
                outcome.notes.append(f"{what}: expected present, found absent")
            else:
                outcome.notes.append(
                    f"{what}: {item['property']}: expected {item['expected']!r}, found {item['found']!r}"
                )
        if not outcome.extra["drift"]:
            outcome.done.append("no drift: AWS holds what every stack's state says")
        conclude(cli.output, outcome)
        if outcome.extra["drift_found"]:
            raise ExitStatus(EXIT_DRIFT)
