"""`saasctl tenant move`: move a tenant to another cell, in passes that keep its hosts served."""

from typing import Annotated

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, application, session
from saas_ctl.cli.options import BackendOption, LocalOption, SkipPreflightOption, YesOption
from saas_ctl.cli.output import reporting
from saas_ctl.cli.results import conclude
from saas_ctl.cli.terminal import Terminal


def move(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The tenant to move.", autocompletion=tenant_names)],
    cell: Annotated[
        int, typer.Option("--cell", metavar="N", help="The cell to move it to: an existing one, or the next new one.")
    ],
    no_deploy: Annotated[
        bool, typer.Option("--no-deploy", help="Only write the new cell (and priority) to the file.")
    ] = False,
    yes: YesOption = False,
    skip_preflight: SkipPreflightOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Move a tenant to another cell (load balancer), its hosts served throughout.

    A deployed tenant moves in passes: the first adds the new cell's target group and listener rule and registers
    its service in both cells while DNS stays on the old ALB; once the new target group is healthy the file is
    written and its DNS records (with platform.dns) point at the new ALB; the old rule and target group are deleted
    last (with platform.dns, 60 s after the switch: the alias records' cache time). If it stops before the switch,
    the file and the stack still say the old cell: run the move again. Without platform.dns, repoint the tenant's
    CNAMEs yourself (`saasctl tenant show NAME`). A new cell is created first (the platform is brought up). Asks
    first; --yes skips the question.
    """
    from saas_ctl.spec import store

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        if no_deploy:
            spec = store.move_tenant(cli.file, name, cell).spec
            moved = next(t for t in spec.tenants if t.name == name)
            cli.output.done(
                {"moved": name, "cell": cell, "priority": moved.priority, "deployed": False},
                f"tenant {name} is now in cell {cell} (priority {moved.priority}) in {cli.file}",
            )
            return
        from saas_ctl.service import tenants

        rt = session(cli, backend, local, deploys=True)
        conclude(cli.output, tenants.move(rt, Terminal(cli.output), name, cell, yes, skip_preflight))
