"""The one place a spec becomes what the Pulumi programs are built from (infra/inputs.py): the programs never
see tenants.yaml, its defaults or its cells."""

from __future__ import annotations

from infra.inputs import Environment, PlatformInputs, PreviousCell, SuspendedPage, TenantInputs
from saas_ctl.spec.cells import cell_count
from saas_ctl.spec.models import TenantsFile, resolve
from saas_ctl.stacks.engine_version import resolve as resolve_engine_version


def environment(spec: TenantsFile) -> Environment:
    platform = spec.platform
    return Environment(
        platform.project,
        platform.environment,
        platform.region,
        platform.log_retention_days,
        platform.dns is not None,
        platform.dns.take_over if platform.dns else False,
    )


def platform_inputs(
    spec: TenantsFile,
    cells: int | None = None,
    running_engine_version: str | None = None,
    legacy_network: bool = False,
) -> PlatformInputs:
    """``cells``: how many cells to run when more than the file's tenants need (default: as they need);
    ``running_engine_version``: what the deployed cluster runs (``stacks.engine_version``); ``legacy_network``:
    the deployed platform's subnets were carved before max_zones existed, for exactly its zone count, and keep
    that carving (``stacks.targets.legacy_network``)."""
    platform = spec.platform
    database = platform.database
    engine_version = resolve_engine_version(database.engine_version, platform.region, running_engine_version).version
    return PlatformInputs(
        environment=environment(spec),
        tags=dict(platform.tags),
        vpc_cidr=platform.network.vpc_cidr,
        availability_zones=platform.network.availability_zones,
        max_zones=None if legacy_network else platform.network.max_zones,
        nat_gateways=platform.network.nat_gateways,
        engine_version=engine_version,
        instance_class=database.instance_class,
        instances=database.instances,
        backup_retention_days=database.backup_retention_days,
        deletion_protection=database.deletion_protection,
        throwaway=platform.throwaway,
        certificate_arn=platform.load_balancer.certificate_arn,
        cells=max(cells or 0, cell_count(spec)),
        dns_zone_id=platform.dns.zone_id if platform.dns else None,
        dns_zone_name=platform.dns.zone_name if platform.dns else None,
        restore_from=database.restore_from,
        engine_version_runs=engine_version == running_engine_version,
    )


def tenant_inputs(
    spec: TenantsFile, name: str, previous_cell: PreviousCell | None = None, previous_port: int | None = None
) -> TenantInputs:
    """The named tenant's effective settings (its defaults and tier applied, ``resolve``); ``previous_cell``: the
    first pass of `tenant move` from that cell (``TenantInputs.previous_cell``); ``previous_port``: the first pass
    of a port change from that port (``TenantInputs.previous_port``)."""
    tenant = resolve(next(t for t in spec.tenants if t.name == name), spec)
    return TenantInputs(
        environment=environment(spec),
        name=tenant.name,
        hosts=tenant.hosts,
        priority=tenant.priority,
        cell=tenant.cell,
        tags=tenant.tags,
        image=tenant.image,
        container_port=tenant.container_port,
        cpu=tenant.cpu,
        memory=tenant.memory,
        desired_count=tenant.desired_count,
        min_count=tenant.autoscaling.min,
        max_count=tenant.autoscaling.max,
        cpu_target=tenant.autoscaling.cpu_target,
        health_check_path=tenant.health_check_path,
        variables=tenant.environment,
        log_retention_days=tenant.log_retention_days,
        suspended=tenant.suspended,
        suspended_page=SuspendedPage(tenant.suspended_page.content_type, tenant.suspended_page.body),
        previous_cell=previous_cell,
        previous_port=previous_port,
    )
