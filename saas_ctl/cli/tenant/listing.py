"""`saasctl tenant list`: the tenants, their effective settings and their state."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from saas_ctl.cli.context import Application, FileOption, JsonOption, application, session
from saas_ctl.cli.options import BackendOption, LocalOption
from saas_ctl.cli.output import reporting
from saas_ctl.errors import SaasctlError, UsageError

if TYPE_CHECKING:
    from saas_ctl.spec.loader import LoadedSpec

from saas_ctl.cli.tenant.group import tenant_json

LIST_COLUMNS = (
    "name",
    "state",
    "hosts",
    "cell",
    "priority",
    "cpu",
    "memory",
    "desired",
    "scaling",
    "image",
    "tier",
    "suspended",
)
LIVE_COLUMNS = ("tasks", "targets")  # with --live: running/desired tasks as ECS says, the targets' health


def list_tenants(
    ctx: typer.Context,
    file: FileOption = None,
    json_mode: JsonOption = False,
    declared_only: Annotated[
        bool, typer.Option("--declared", help="Only the file: do not ask the state backend.")
    ] = False,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Also ask AWS (read-only, every deployed tenant at once): running/desired tasks, targets' health.",
        ),
    ] = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """List the tenants with their effective settings and state: deployed, not deployed or orphaned.

    On a terminal, a table; piped, one tab-separated line per tenant (name, state, hosts, cell, priority, cpu,
    memory, desired, scaling, image, tier, suspended; with --live then tasks and targets) without a header.
    --live reads every deployed tenant's service and target group in parallel: tasks running/desired (as ECS
    says) and the targets' health (2 healthy, 1 unhealthy...)."""
    from saas_ctl.spec import loader
    from saas_ctl.spec.models import resolve

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        if live and declared_only:
            raise UsageError("--live asks AWS about deployed tenants; --declared reads only the file")
        loaded = loader.load(cli.file)
        spec = loaded.spec
        states: dict[str, str] = {}
        seen: dict[str, Any] = {}
        if live:
            states, seen = _live(cli, loaded, backend, local)
        elif not declared_only:
            states = _states(cli, loaded, backend, local)
        tenants = {t.name: resolve(t, spec) for t in spec.tenants}
        documented = [
            {**tenant_json(t), "state": states.get(name), **_live_json(seen, name, live)} for name, t in tenants.items()
        ]
        documented += [
            {"name": n, "state": s, **_live_json(seen, n, live)} for n, s in states.items() if n not in tenants
        ]
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
                    t.tier or "-",
                    "suspended" if t.suspended else "-",
                    *(_live_cells(seen.get(name)) if live else []),
                ]
            )
        lines += [
            [name, state, *["-"] * (len(LIST_COLUMNS) - 2), *(_live_cells(seen.get(name)) if live else [])]
            for name, state in states.items()
            if name not in tenants
        ]
        columns = (*LIST_COLUMNS, *LIVE_COLUMNS) if live else LIST_COLUMNS
        cli.output.result({"tenants": documented}, lambda: cli.output.records(columns, lines))


def _live_json(seen: dict[str, Any], name: str, live: bool) -> dict[str, Any]:
    return {"live": seen.get(name)} if live else {}


def _live_cells(live: dict[str, Any] | None) -> list[str]:
    from saas_ctl.aws.live import health, tasks

    running, desired = tasks(live)
    return [f"{running}/{desired}" if live is not None else "-", health(live)]


def _live(
    cli: Application, loaded: "LoadedSpec", backend: str | None, local: bool
) -> tuple[dict[str, str], dict[str, Any]]:
    from saas_ctl.aws import session as aws
    from saas_ctl.service.inventory.tenant import fleet_live

    rt = session(cli, backend, local, reads_only=True)
    boto = aws.required(rt.endpoint_url, "--live")
    states, seen = fleet_live(rt, loaded, boto)
    return {name: str(state) for name, state in states.items()}, seen


def _states(cli: Application, loaded: "LoadedSpec", backend: str | None, local: bool) -> dict[str, str]:
    from saas_ctl.service.inventory.tenant import tenant_states

    try:
        rt = session(cli, backend, local, reads_only=True)
        return {name: str(state) for name, state in tenant_states(rt, loaded).items()}
    except SaasctlError as exc:
        cli.output.warn(f"deployed state unknown: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
        return {}
