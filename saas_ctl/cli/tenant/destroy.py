"""`saasctl tenant destroy`: destroy a tenant's stack, then its entry in the file."""

from typing import Annotated

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, command_session
from saas_ctl.cli.options import BackendOption, LocalOption, YesOption
from saas_ctl.cli.results import conclude
from saas_ctl.cli.terminal import Terminal


def destroy(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The tenant whose stack to destroy.", autocompletion=tenant_names)
    ],
    delete_data: Annotated[
        bool,
        typer.Option(
            "--delete-data",
            help="Also delete the tenant's bucket (with every object) and its secret. Without it both are kept.",
        ),
    ] = False,
    yes: YesOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Destroy a tenant's stack, remove the stack, then remove the tenant from the file.

    A failed destroy leaves both the stack and the file entry. The tenant's data (bucket, secret) is kept
    unless --delete-data is given.
    """

    with command_session(ctx, file, json_mode, backend, local) as (cli, rt):
        from saas_ctl.service import tenants

        conclude(cli.output, tenants.destroy(rt, Terminal(cli.output), name, delete_data, yes))
