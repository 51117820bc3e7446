"""What `tenant set`, `suspend` and `resume` share: a change of one tenant in the file, then its deploy."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from saas_ctl.cli.context import Application, session
from saas_ctl.cli.results import conclude
from saas_ctl.cli.tenant.group import tenant_json
from saas_ctl.cli.terminal import Terminal

if TYPE_CHECKING:
    from saas_ctl.spec.models import TenantsFile

NoDeployOption = Annotated[bool, typer.Option("--no-deploy", help="Only write the change to the file.")]
# --yes, --skip-preflight, --backend, --local, --diff as the command line gave them
DeployOptions = tuple[bool, bool, str | None, bool, bool]


def monthly_cost(cli: Application, before: bytes, after: "TenantsFile", name: str) -> dict[str, Any] | None:
    """After an edit that did not deploy: what it does to the monthly bill, said on stderr; its JSON form."""
    from saas_ctl.cost.change import monthly_change
    from saas_ctl.spec import loader

    change = monthly_change(loader.load_bytes(before, str(cli.file)).spec, after, name)
    if change is None:
        return None
    cli.output.info(change.describe())
    return change.to_json()


def apply_change(
    cli: Application,
    name: str,
    changes: dict[str, Any],
    *,
    verb: str,
    deploy: bool,
    options: DeployOptions,
    extra: dict[str, Any],
) -> None:
    """Write ``changes`` to tenant ``name`` (``verb``: what a person reads, "suspend tenant acme"), then deploy
    it unless ``deploy`` is false."""
    from saas_ctl.spec import store
    from saas_ctl.spec.models import resolve

    yes, skip_preflight, backend, local, diff = options
    unchanged = f"tenant {name} already is as asked in {cli.file}: nothing to write"
    if not deploy:
        before = cli.file.read_bytes() if cli.file.exists() else b""
        spec = store.change_tenant(cli.file, name, changes).spec
        changed = cli.file.read_bytes() != before
        tenant = resolve(next(t for t in spec.tenants if t.name == name), spec)
        cost = monthly_cost(cli, before, spec, name)
        cli.output.done(
            {**extra, "tenant": tenant_json(tenant), "changed": changed, "deployed": False, "monthly_cost": cost},
            f"{verb}: written to {cli.file}" if changed else unchanged,
        )
        return
    from saas_ctl.service import tenants

    request = tenants.Change(
        name,
        changes,
        question=f"{verb[0].upper()}{verb[1:]} in {cli.file}",
        done=f"{verb}: written to {cli.file}",
        unchanged=unchanged,
        extra=extra,
    )
    rt = session(cli, backend, local)
    conclude(cli.output, tenants.change(rt, Terminal(cli.output, diff), request, yes, skip_preflight), diff)
