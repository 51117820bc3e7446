"""`saasctl plan`'s human view: one line per stack, with the settings that differ between its tenants, and a
total; or, for chosen stacks, every resource with the name AWS will know it by. Pure: results in, rows out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from saas_ctl.engine.base import StackResult
from saas_ctl.spec.models import EffectiveTenant, TenantsFile, resolve

# The settings a tenant's line can show, in this order: at a terminal only those that differ between tenants are
# shown; piped, all of them, always in these columns (a script reads the same column whatever the file holds).
SETTINGS = ("hosts", "cell", "priority", "cpu", "memory", "desired", "scaling", "port", "image")
SUMMARY_COLUMNS = ("stack", "kind", "resources", *SETTINGS)
DETAIL_COLUMNS = ("stack", "type", "name", "AWS name")
# What plan is, said last (on stderr) so that no one takes it for what a deploy would change.
OFFLINE_VIEW = (
    "plan is the offline view of what the programs declare; `saasctl apply --dry-run` shows what a deploy would change"
)


def settings_of(tenant: EffectiveTenant) -> dict[str, str]:
    return {
        "hosts": ",".join(tenant.hosts),
        "cell": str(tenant.cell),
        "priority": str(tenant.priority),
        "cpu": str(tenant.cpu),
        "memory": str(tenant.memory),
        "desired": str(tenant.desired_count),
        "scaling": tenant.autoscaling.describe(),
        "port": str(tenant.container_port),
        "image": tenant.image,
    }


def differing(spec: TenantsFile, names: Sequence[str]) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The settings whose values differ between the named tenants (all of them for a single tenant), and
    each tenant's values."""
    wanted = set(names)
    values = {t.name: settings_of(resolve(t, spec)) for t in spec.tenants if t.name in wanted}
    if len(values) <= 1:
        return list(SETTINGS), values
    keys = [k for k in SETTINGS if len({v[k] for v in values.values()}) > 1]
    return keys, values


def summary_rows(
    spec: TenantsFile, results: Sequence[StackResult], every_setting: bool = False
) -> tuple[list[str], list[list[str]]]:
    """Columns and one row per stack: its label, kind and resource count, and its tenant's differing settings
    (``every_setting``: all of SETTINGS, whatever differs: SUMMARY_COLUMNS)."""
    keys, values = differing(spec, [r.target.tenant for r in results if r.target.tenant])
    keys = list(SETTINGS) if every_setting else keys
    rows = []
    for result in results:
        own = values.get(result.target.tenant or "", {})
        rows.append(
            [result.target.label, result.target.kind, str(len(result.resources)), *(own.get(k, "") for k in keys)]
        )
    return ["stack", "kind", "resources", *keys], rows


def total(results: Sequence[StackResult]) -> str:
    count = sum(len(r.resources) for r in results)
    tenants = f"{sum(1 for r in results if r.target.kind == 'tenant')} tenants"
    kinds = f"platform and {tenants}" if any(r.target.kind == "platform" for r in results) else tenants
    return f"total: {len(results)} stacks ({kinds}), {count} resources"


def _aws_name(inputs: dict[str, Any]) -> str:
    for key in ("name", "bucket", "family", "identifier", "clusterIdentifier", "roleName"):
        value = inputs.get(key)
        if isinstance(value, str):
            return value
    return ""


def detail_rows(result: StackResult) -> list[list[str]]:
    """Every resource of one stack: type, logical name, and the name AWS will know it by (where it has one)."""
    return [[r.type, r.name, _aws_name(r.inputs)] for r in result.resources]
