"""`saasctl tenant list`: the tenants, their effective settings and their state."""

from typing import TYPE_CHECKING, Annotated

import typer

from saas_ctl.cli.context import Application, FileOption, JsonOption, application, session
from saas_ctl.cli.options import BackendOption, LocalOption
from saas_ctl.cli.output import reporting
from saas_ctl.errors import SaasctlError

if TYPE_CHECKING:
    from saas_ctl.spec.loader import LoadedSpec

from saas_ctl.cli.tenant.group import tenant_json

LIST_COLUMNS = ("name", "state", "hosts", "cell", "priority", "cpu", "memory", "desired", "scaling", "image")


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
        documented = [{**tenant_json(t), "state": states.get(name)} for name, t in tenants.items()]
        documented += [{"name": n, "state": s} for n, s in states.items() if n not in tenants]
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
        cli.output.result({"tenants": documented}, lambda: cli.output.records(LIST_COLUMNS, lines))


def _states(cli: Application, loaded: "LoadedSpec", backend: str | None, local: bool) -> dict[str, str]:
    from saas_ctl.service.inventory.tenant import tenant_states

    try:
        rt = session(cli, backend, local, reads_only=True)
        return {name: str(state) for name, state in tenant_states(rt, loaded).items()}
    except SaasctlError as exc:
        cli.output.warn(f"deployed state unknown: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
        return {}
