"""`saasctl tenant suspend` and `saasctl tenant resume`: a tenant's service stopped and started, its data kept."""

from pathlib import Path
from typing import Annotated

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.options import BackendOption, DeployYesOption, LocalOption, SkipPreflightOption
from saas_ctl.cli.output import reporting
from saas_ctl.cli.tenant.edits import DeployOptions, NoDeployOption, apply_change

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
    options = (yes, skip_preflight, backend, local, False)
    _change_suspension(ctx, name, file, json_mode, suspended=True, deploy=not no_deploy, options=options)


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
    options = (yes, skip_preflight, backend, local, False)
    _change_suspension(ctx, name, file, json_mode, suspended=False, deploy=not no_deploy, options=options)


def _change_suspension(
    ctx: typer.Context,
    name: str,
    file: Path | None,
    json_mode: bool,
    *,
    suspended: bool,
    deploy: bool,
    options: DeployOptions,
) -> None:
    """Write ``suspended: true`` to tenant ``name`` (``suspended``) or remove it, then deploy the tenant unless
    not ``deploy``; the JSON document names it under "suspended" or "resumed"."""
    verb, key = ("suspend", "suspended") if suspended else ("resume", "resumed")
    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        apply_change(
            cli,
            name,
            {"suspended": True if suspended else None},  # None: the key is removed from the tenant
            verb=f"{verb} tenant {name}",
            deploy=deploy,
            options=options,
            extra={key: name},
        )
