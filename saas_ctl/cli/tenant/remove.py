"""`saasctl tenant remove`: remove a tenant from the file only."""

from typing import Annotated

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.output import reporting
from saas_ctl.errors import UsageError


def remove(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The tenant to remove from the file.", autocompletion=tenant_names)
    ],
    no_deploy: Annotated[bool, typer.Option("--no-deploy", help="Only remove the tenant from the file.")] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
) -> None:
    """Remove a tenant from the tenants file only; its stack stays (see `tenant destroy`, `apply --prune`)."""
    from saas_ctl.spec import store

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        if not no_deploy:
            raise UsageError(
                "`tenant remove` only edits the file and needs --no-deploy; "
                f"`saasctl tenant destroy {name}` destroys the stack and removes the tenant"
            )
        store.remove_tenant(cli.file, name)
        cli.output.done({"removed": name, "deployed": False}, f"removed tenant {name} from {cli.file}")
