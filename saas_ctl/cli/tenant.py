"""`saasctl tenant ...`: declare, list and remove tenants."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.output import reporting
from saas_ctl.errors import UsageError
from saas_ctl.spec import loader, store
from saas_ctl.spec.models import EffectiveTenant, resolve

app = typer.Typer(help="Declare, list and remove tenants.", no_args_is_help=True)

NO_DEPLOY_REQUIRED = (
    "deploying from `tenant {verb}` is not available in this version; pass --no-deploy to only edit the file"
)


def _tenant_json(tenant: EffectiveTenant) -> dict[str, object]:
    return tenant.model_dump(mode="json")


@app.command("list")
def list_tenants(ctx: typer.Context, file: FileOption = None, json_mode: JsonOption = False) -> None:
    """List the declared tenants with their effective settings (defaults applied)."""
    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        spec = loader.load(cli.file).spec
        tenants = [resolve(t, spec) for t in spec.tenants]
        if cli.output.json_mode:
            cli.output.document({"tenants": [_tenant_json(t) for t in tenants]})
            return
        table = Table()
        for column in ("name", "hosts", "priority", "cpu", "memory", "desired", "scaling", "image"):
            table.add_column(column, overflow="fold")  # never cut user data with an ellipsis
        for t in tenants:
            scaling = f"{t.autoscaling.min}-{t.autoscaling.max} @ {t.autoscaling.cpu_target}% cpu"
            table.add_row(
                t.name,
                ", ".join(t.hosts),
                str(t.priority),
                str(t.cpu),
                str(t.memory),
                str(t.desired_count),
                scaling,
                t.image,
            )
        cli.output.print(table)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Tenant name: a DNS label (lowercase letters, digits, hyphens).")],
    host: Annotated[
        list[str] | None,
        typer.Option("--host", help="A host routed to the tenant (repeatable, up to 5). Default: <name>.<domain>."),
    ] = None,
    cpu: Annotated[
        int | None, typer.Option(help="Fargate cpu units (256, 512, 1024, ...). Default: from `defaults`.")
    ] = None,
    memory: Annotated[
        int | None, typer.Option(help="Fargate memory in MiB, valid for the cpu. Default: from `defaults`.")
    ] = None,
    image: Annotated[str | None, typer.Option(help="Container image. Default: from `defaults`.")] = None,
    no_deploy: Annotated[bool, typer.Option("--no-deploy", help="Only add the tenant to the file.")] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
) -> None:
    """Declare a tenant in the tenants file (comments and formatting kept) with the lowest free priority."""
    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        if not no_deploy:
            raise UsageError(NO_DEPLOY_REQUIRED.format(verb="add"))
        request = store.NewTenant(name=name, hosts=tuple(host or ()), cpu=cpu, memory=memory, image=image)
        spec = store.add_tenant(cli.file, request).spec
        added = resolve(next(t for t in spec.tenants if t.name == name), spec)
        if cli.output.json_mode:
            cli.output.document({"added": _tenant_json(added), "deployed": False})
        else:
            cli.output.success(
                f"added tenant {name} to {cli.file} (priority {added.priority}, hosts {', '.join(added.hosts)})"
            )


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The tenant to remove from the file.")],
    no_deploy: Annotated[bool, typer.Option("--no-deploy", help="Only remove the tenant from the file.")] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
) -> None:
    """Remove a tenant from the tenants file. Its stack is not touched (see `tenant destroy`)."""
    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        if not no_deploy:
            raise UsageError(NO_DEPLOY_REQUIRED.format(verb="remove"))
        store.remove_tenant(cli.file, name)
        if cli.output.json_mode:
            cli.output.document({"removed": name, "deployed": False})
        else:
            cli.output.success(f"removed tenant {name} from {cli.file}")
