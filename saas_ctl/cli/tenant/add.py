"""`saasctl tenant add`: declare a tenant, then deploy it."""

from typing import Annotated

import typer

from saas_ctl.cli.context import FileOption, JsonOption, application, session
from saas_ctl.cli.options import BackendOption, DeployYesOption, DiffOption, LocalOption, SkipPreflightOption
from saas_ctl.cli.output import reporting
from saas_ctl.cli.results import conclude
from saas_ctl.cli.tenant.edits import monthly_cost
from saas_ctl.cli.tenant.group import tenant_json
from saas_ctl.cli.terminal import Terminal


def add(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="Tenant name: a DNS label (lowercase letters, digits, hyphens).")
    ],
    host: Annotated[
        list[str] | None,
        typer.Option(
            "--host",
            metavar="HOST",
            help="A host routed to the tenant (repeatable, up to 5). Default: <name>.<domain>.",
        ),
    ] = None,
    cpu: Annotated[
        int | None,
        typer.Option(metavar="UNITS", help="Fargate cpu units (256, 512, 1024, ...). Default: from `defaults`."),
    ] = None,
    memory: Annotated[
        int | None,
        typer.Option(metavar="MIB", help="Fargate memory in MiB, valid for the cpu. Default: from `defaults`."),
    ] = None,
    image: Annotated[
        str | None, typer.Option(metavar="IMAGE", help="Container image. Default: from `defaults`.")
    ] = None,
    tier: Annotated[
        str | None,
        typer.Option(metavar="TIER", help="One of the file's tiers: its settings apply where the tenant sets none."),
    ] = None,
    no_deploy: Annotated[bool, typer.Option("--no-deploy", help="Only add the tenant to the file.")] = False,
    yes: DeployYesOption = False,
    skip_preflight: SkipPreflightOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    diff: DiffOption = False,
) -> None:
    """Declare a tenant in the tenants file (comments and formatting kept, lowest free priority) and deploy it.

    If the deploy fails the tenant stays in the file; `saasctl tenant up NAME` retries it. On a terminal it
    shows what the preview says will change and asks before writing the file; --yes skips the question, and
    off a terminal (CI) nothing is asked.
    """
    from saas_ctl.spec import store
    from saas_ctl.spec.models import resolve

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        request = store.NewTenant(name=name, hosts=tuple(host or ()), cpu=cpu, memory=memory, image=image, tier=tier)
        if no_deploy:
            before = cli.file.read_bytes() if cli.file.is_file() else b""
            spec = store.add_tenant(cli.file, request).spec
            added = resolve(next(t for t in spec.tenants if t.name == name), spec)
            cost = monthly_cost(cli, before, spec, name)
            cli.output.done(
                {"added": tenant_json(added), "deployed": False, "monthly_cost": cost},
                f"added tenant {name} to {cli.file} (cell {added.cell}, priority {added.priority}, "
                f"hosts {', '.join(added.hosts)})",
            )
            return
        from saas_ctl.service import tenants

        rt = session(cli, backend, local, deploys=True)
        conclude(cli.output, tenants.add(rt, Terminal(cli.output, diff), request, yes, skip_preflight), diff)
