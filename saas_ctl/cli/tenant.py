"""`saasctl tenant ...`: declare, deploy, list and destroy tenants."""

from typing import TYPE_CHECKING, Annotated

import typer

from saas_ctl.cli import tenant_inspect
from saas_ctl.cli.commands import group_app
from saas_ctl.cli.context import Application, FileOption, JsonOption, application, session
from saas_ctl.cli.help_text import epilog
from saas_ctl.cli.options import BackendOption, LocalOption, ParallelOption, SkipPreflightOption, YesOption
from saas_ctl.cli.output import reporting
from saas_ctl.cli.results import conclude
from saas_ctl.cli.terminal import Terminal
from saas_ctl.engine.operations import Operation
from saas_ctl.errors import SaasctlError, UsageError

if TYPE_CHECKING:
    from saas_ctl.spec.loader import LoadedSpec
    from saas_ctl.spec.models import EffectiveTenant

app = group_app("tenant")

Names = Annotated[
    list[str] | None,
    typer.Argument(metavar="NAME", help="Tenants to act on (default with --all: every declared one)."),
]
AllOption = Annotated[bool, typer.Option("--all", help="Every tenant declared in the file.")]
LIST_COLUMNS = ("name", "state", "hosts", "cell", "priority", "cpu", "memory", "desired", "scaling", "image")


def _tenant_json(tenant: "EffectiveTenant") -> dict[str, object]:
    return tenant.model_dump(mode="json")


@app.command("list", epilog=epilog("tenant list"))
def list_tenants(
    ctx: typer.Context,
    file: FileOption = None,
    json_mode: JsonOption = False,
    declared_only: Annotated[
        bool, typer.Option("--declared", help="Only the file: do not ask the state backend.")
    ] = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """List the tenants with their effective settings and state: deployed, not deployed or orphaned.

    On a terminal, a table; piped, one tab-separated line per tenant (name, state, hosts, cell, priority, cpu,
    memory, desired, scaling, image) without a header."""
    from saas_ctl.spec import loader
    from saas_ctl.spec.models import resolve

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        loaded = loader.load(cli.file)
        spec = loaded.spec
        states: dict[str, str] = {}
        if not declared_only:
            states = _states(cli, loaded, backend, local)
        tenants = {t.name: resolve(t, spec) for t in spec.tenants}
        if cli.output.json_mode:
            rows = [{**_tenant_json(t), "state": states.get(name)} for name, t in tenants.items()]
            rows += [{"name": n, "state": s} for n, s in states.items() if n not in tenants]
            cli.output.document({"tenants": rows})
            return
        lines: list[list[str]] = []
        for name, t in tenants.items():
            lines.append(
                [
                    name,
                    states.get(name, "-"),
                    ", ".join(t.hosts),
                    str(t.cell),
                    str(t.priority),
                    str(t.cpu),
                    str(t.memory),
                    str(t.desired_count),
                    t.autoscaling.describe(),
                    t.image,
                ]
            )
        lines += [[name, state, *["-"] * 8] for name, state in states.items() if name not in tenants]
        cli.output.records(LIST_COLUMNS, lines)


def _states(cli: Application, loaded: "LoadedSpec", backend: str | None, local: bool) -> dict[str, str]:
    from saas_ctl import lifecycle

    try:
        rt = session(cli, backend, local)
        return {name: str(state) for name, state in lifecycle.tenant_states(rt, loaded).items()}
    except SaasctlError as exc:
        cli.output.warn(f"deployed state unknown: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
        return {}


@app.command("add", epilog=epilog("tenant add"))
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Tenant name: a DNS label (lowercase letters, digits, hyphens).")],
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
    no_deploy: Annotated[bool, typer.Option("--no-deploy", help="Only add the tenant to the file.")] = False,
    yes: YesOption = False,
    skip_preflight: SkipPreflightOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
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
        request = store.NewTenant(name=name, hosts=tuple(host or ()), cpu=cpu, memory=memory, image=image)
        if no_deploy:
            spec = store.add_tenant(cli.file, request).spec
            added = resolve(next(t for t in spec.tenants if t.name == name), spec)
            cli.output.done(
                {"added": _tenant_json(added), "deployed": False},
                f"added tenant {name} to {cli.file} (cell {added.cell}, priority {added.priority}, "
                f"hosts {', '.join(added.hosts)})",
            )
            return
        from saas_ctl.service import tenants

        rt = session(cli, backend, local)
        conclude(cli.output, tenants.add(rt, Terminal(cli.output), request, yes, skip_preflight))


def _operate(
    ctx: typer.Context,
    operation: Operation,
    names: list[str] | None,
    all_: bool,
    file: FileOption,
    json_mode: bool,
    backend: str | None,
    local: bool,
    parallel: int,
    skip_preflight: bool = False,
    yes: bool = True,
) -> None:
    from saas_ctl.service.tenants import operate

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        rt = session(cli, backend, local, parallel=parallel)
        conclude(cli.output, operate(rt, Terminal(cli.output), operation, names or [], all_, skip_preflight, yes))


@app.command(epilog=epilog("tenant up"))
def up(
    ctx: typer.Context,
    names: Names = None,
    all_: AllOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    parallel: ParallelOption = 4,
    skip_preflight: SkipPreflightOption = False,
    yes: YesOption = False,
) -> None:
    """Create or update tenant stacks as declared (preflight first). Needs the platform deployed.

    On a terminal it shows what the preview says will change and asks first; --yes skips the question, and
    off a terminal (CI) nothing is asked.
    """
    _operate(ctx, Operation.UP, names, all_, file, json_mode, backend, local, parallel, skip_preflight, yes)


@app.command(epilog=epilog("tenant preview"))
def preview(
    ctx: typer.Context,
    names: Names = None,
    all_: AllOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    parallel: ParallelOption = 4,
) -> None:
    """Show what `tenant up` would change."""
    _operate(ctx, Operation.PREVIEW, names, all_, file, json_mode, backend, local, parallel)


@app.command(epilog=epilog("tenant refresh"))
def refresh(
    ctx: typer.Context,
    names: Names = None,
    all_: AllOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    parallel: ParallelOption = 4,
) -> None:
    """Reconcile tenant stacks' state with what exists in AWS."""
    _operate(ctx, Operation.REFRESH, names, all_, file, json_mode, backend, local, parallel)


@app.command(epilog=epilog("tenant destroy"))
def destroy(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The tenant whose stack to destroy.")],
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

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        from saas_ctl.service import tenants

        rt = session(cli, backend, local)
        conclude(cli.output, tenants.destroy(rt, Terminal(cli.output), name, delete_data, yes))


@app.command(epilog=epilog("tenant move"))
def move(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The tenant to move.")],
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
    """Move a tenant to another cell (load balancer): write its new cell, then deploy it there.

    The tenant's new target group and listener rule are created on the new cell's ALB, its service switches to
    them, its DNS records (with platform.dns) point at the new ALB, then the old rule and target group are
    deleted. Clients that still resolve the old ALB get its 404 until their DNS cache expires (60 s for an
    alias record). Without platform.dns, repoint the tenant's CNAMEs yourself (`saasctl tenant show NAME`).
    A new cell is created first (the platform is brought up). Asks first; --yes skips the question.
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

        rt = session(cli, backend, local)
        conclude(cli.output, tenants.move(rt, Terminal(cli.output), name, cell, yes, skip_preflight))


@app.command("remove", epilog=epilog("tenant remove"))
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The tenant to remove from the file.")],
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


# Looking at a tenant (saas_ctl/cli/tenant_inspect.py), listed after the commands that change tenants.
app.command("show", epilog=epilog("tenant show"))(tenant_inspect.show)
app.command("logs", epilog=epilog("tenant logs"))(tenant_inspect.logs)
