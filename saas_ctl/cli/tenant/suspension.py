"""`saasctl tenant suspend` and `saasctl tenant resume`: a tenant's service stopped and started, its data kept."""

from typing import Annotated

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.options import BackendOption, DeployYesOption, LocalOption, SkipPreflightOption
from saas_ctl.cli.output import reporting
from saas_ctl.cli.tenant.edits import NoDeployOption, apply_change

NameArgument = Annotated[str, typer.Argument(metavar="NAME", help="The tenant.", autocompletion=tenant_names)]


def suspend(
    ctx: typer.Context,
    name: NameArgument,
    no_deploy: NoDeployOption = False,
    yes: DeployYesOption = False,
    skip_preflight: SkipPreflightOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Suspend a tenant: write suspended: true, then deploy it with no tasks and its hosts answering HTTP 503.

    Its bucket, secret, database and stack are kept; the page is suspended_page (content type and body) of the
    tenant, its tier or the defaults. Suspending a suspended tenant changes nothing. `saasctl tenant resume`
    brings it back.
    """
    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        apply_change(
            cli,
            name,
            {"suspended": True},
            verb=f"suspend tenant {name}",
            deploy=not no_deploy,
            options=(yes, skip_preflight, backend, local, False),
            extra={"suspended": name},
        )


def resume(
    ctx: typer.Context,
    name: NameArgument,
    no_deploy: NoDeployOption = False,
    yes: DeployYesOption = False,
    skip_preflight: SkipPreflightOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Resume a suspended tenant: remove suspended: true, then deploy it: its tasks start again (its desired
    count) and its hosts are routed to them; the command waits until the service is healthy."""
    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        apply_change(
            cli,
            name,
            {"suspended": None},
            verb=f"resume tenant {name}",
            deploy=not no_deploy,
            options=(yes, skip_preflight, backend, local, False),
            extra={"resumed": name},
        )
