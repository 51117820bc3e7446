"""Tenants as an operator sees them: each one's state among the deployed stacks (`tenant list`), and one tenant
in full (`tenant show`): its effective settings, its stack's state and last update, its outputs, its DNS, and
(with --live) what ECS and the load balancer say right now."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from infra.naming import TenantNames
from saas_ctl.aws.live import Clients, fleet_status, live_status
from saas_ctl.engine.base import last_update
from saas_ctl.errors import NotReady, UsageError
from saas_ctl.orchestration.session import Session
from saas_ctl.service.inventory.cells import tenant_load_balancer
from saas_ctl.spec.loader import LoadedSpec
from saas_ctl.spec.models import TenantsFile, resolve_with_sources
from saas_ctl.stacks import state, targets


class TenantState(StrEnum):
    DEPLOYED = "deployed"
    NOT_DEPLOYED = "not deployed"
    ORPHANED = "orphaned"


# How many tenants `tenant list --live` reads at once: each read is a stack's outputs and two AWS calls.
LIVE_READS_AT_ONCE = 8


def tenant_states(session: Session, loaded: LoadedSpec, known: state.Deployed | None = None) -> dict[str, TenantState]:
    spec = loaded.spec
    deployed = set((known or state.read(session, spec)).tenants)
    states = {t.name: TenantState.DEPLOYED if t.name in deployed else TenantState.NOT_DEPLOYED for t in spec.tenants}
    for name in sorted(deployed - states.keys()):
        states[name] = TenantState.ORPHANED
    return states


def fleet_live(session: Session, loaded: LoadedSpec, boto: Any) -> tuple[dict[str, TenantState], dict[str, Any]]:
    """`tenant list --live`: every tenant's state, and for each one with a stack what ECS and its load balancer
    say now, read in parallel (``boto``: a boto3 session)."""
    spec = loaded.spec
    deployed = state.read(session, spec)
    states = tenant_states(session, loaded, deployed)
    with_stack = [name for name, known in states.items() if known is not TenantState.NOT_DEPLOYED]
    if not with_stack:
        return states, {}
    cluster = str(deployed.platform_stack.get("cluster_name", ""))
    clients = Clients.of(boto, spec.platform.region, session.endpoint_url)

    def outputs_of(name: str) -> dict[str, Any]:
        return dict(session.engine.outputs(targets.orphan_target(spec, name)))

    return states, fleet_status(clients, cluster, with_stack, outputs_of, LIVE_READS_AT_ONCE)


@dataclass(frozen=True)
class DnsRecord:
    name: str
    type: str
    value: str | None  # None while the platform (its load balancer) is not deployed


@dataclass(frozen=True)
class TenantView:
    name: str
    state: str  # deployed, not deployed, orphaned
    settings: dict[str, Any] | None  # None for an orphaned tenant (no entry in the file)
    last_update: dict[str, Any] | None
    outputs: dict[str, Any]
    dns_managed: bool
    dns_records: list[DnsRecord]
    live: dict[str, Any] | None = field(default=None)
    # Where each effective setting came from (``cpu``: defaults, tier or tenant); None for an orphaned tenant.
    sources: dict[str, str] | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "state": self.state,
            "settings": self.settings,
            "sources": self.sources,
            "last_update": self.last_update,
            "outputs": self.outputs,
            "dns": {
                "managed": self.dns_managed,
                "records": [{"name": r.name, "type": r.type, "value": r.value} for r in self.dns_records],
            },
            "live": self.live,
        }


def dns_records(spec: TenantsFile, hosts: tuple[str, ...], alb_dns_name: str | None) -> tuple[bool, list[DnsRecord]]:
    """The records that route the tenant's hosts: made by its stack with platform.dns, else the user's to make."""
    if spec.platform.dns is not None:
        return True, [DnsRecord(host, "A (alias)", alb_dns_name) for host in hosts]
    # Without a hosted zone saasctl manages, the user points each host at the load balancer: a CNAME, or an
    # alias where their DNS offers one (a zone apex cannot be a CNAME).
    return False, [DnsRecord(host, "CNAME", alb_dns_name) for host in hosts]


def _platform_outputs(engine: Any, spec: TenantsFile, needed: bool) -> dict[str, Any]:
    """The platform's outputs (its load balancers, for the DNS records); for a tenant never deployed, {} when the
    engine cannot read them without what the machine lacks."""
    try:
        return dict(engine.outputs(targets.platform_target(spec)))
    except NotReady:
        if needed:
            raise
        return {}


def show(
    engine: Any,
    spec: TenantsFile,
    name: str,
    file: str,
    session: Any | None = None,
    endpoint_url: str | None = None,
) -> TenantView:
    """Everything known about tenant ``name``; ``session`` (boto3) adds the live view. A tenant never deployed
    is shown without asking the engine for more than its list of stacks: no Pulumi CLI or passphrase is needed
    for it (and where even the list needs them, its state is "unknown: no Pulumi CLI")."""
    declared = {t.name: t for t in spec.tenants}
    try:
        deployed = name in engine.list_stacks(targets.tenants_project(spec))
        state = "deployed" if deployed else "not deployed"
    except NotReady as exc:
        deployed, state = False, f"unknown: {exc.lacking}"
    if name not in declared and not deployed:
        known = "nor deployed" if not state.startswith("unknown") else f"(deployed: {state})"
        raise UsageError(
            f"tenant {name!r} is neither declared in {file} {known}",
            hint=f"declared tenants: {', '.join(sorted(declared)) or 'none'}",
        )
    settings = sources = None
    if name in declared:
        effective, sources = resolve_with_sources(declared[name], spec)
        settings = effective.model_dump(mode="json")
    else:
        state = "orphaned"
    target = targets.orphan_target(spec, name)
    outputs = engine.outputs(target) if deployed else {}
    platform = _platform_outputs(engine, spec, needed=deployed)
    hosts = tuple(settings["hosts"]) if settings else ()
    cell = int(settings["cell"]) if settings else int(outputs.get("cell", 1))
    managed, records = dns_records(spec, hosts, tenant_load_balancer(platform, cell))
    live = None
    if session is not None and deployed:
        cluster = str(platform.get("cluster_name", ""))
        live = live_status(session, spec.platform.region, endpoint_url, cluster, outputs, name)
    if deployed and not outputs.get("log_group_name"):  # an engine that does not report it: the name is known
        names = TenantNames(spec.platform.project, spec.platform.environment, spec.platform.region, name)
        outputs = {**outputs, "log_group_name": names.log_group}
    return TenantView(
        name,
        state,
        settings,
        last_update(engine, target) if deployed else None,
        outputs,
        managed,
        records,
        live,
        sources,
    )
