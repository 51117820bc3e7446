"""The fleet's capacity: what every tenant at its autoscaling maximum asks of the account, against its limits.

One stack never meets these limits; the fleet does, long before any single stack fails: ALBs and target
groups per region, Fargate vCPUs, addresses in the subnets, services per cluster, network interfaces. The
demand is a pure function of the spec (:func:`demand`); the offline rules compare it with the quotas the
spec declares (``platform.quotas``) or AWS's defaults, and `preflight --live` with the account's own.
Every finding says how many tenants fit and what to change.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from infra import addressing
from infra import aws_limits as limits
from infra.aws_limits import Quota
from saas_ctl.preflight.findings import Finding, error, warning
from saas_ctl.spec import cells
from saas_ctl.spec.models import TenantsFile, tier_of

QUOTAS_PATH = ("platform", "quotas")
# An ALB needs at least 8 free addresses in each of its subnets (it may use more as it scales).
ALB_ADDRESSES_PER_SUBNET = 8


@dataclass(frozen=True)
class FleetDemand:
    """What the whole fleet needs with every tenant at its autoscaling maximum."""

    tenants: int
    cells: int
    vcpus: float
    tasks: int
    tasks_per_az: int  # ECS spreads a service's tasks over the AZs: rounded up per service
    database_per_az: int  # the database instances' addresses
    public_addresses_per_az: int  # ALB nodes of every cell + a NAT gateway
    network_interfaces: int  # one per task, per ALB node, per database instance, per NAT gateway

    @property
    def private_addresses_per_az(self) -> int:
        return self.tasks_per_az + self.database_per_az

    def per_tenant(self, total: float) -> float:
        return total / self.tenants if self.tenants else 0.0


def demand(spec: TenantsFile) -> FleetDemand:
    platform = spec.platform
    zones = platform.network.availability_zones
    vcpus = 0.0
    tasks = 0
    tasks_per_az = 0
    defaults = spec.defaults
    for tenant in spec.tenants:
        # The two settings this needs, overlaid as resolve() would (without building every tenant's settings): the
        # tenant's own, its tier's, the defaults'. A suspended tenant is counted too: a resume brings it back.
        layers = [tenant, tier_of(tenant, spec)]
        most = next(
            (layer.autoscaling.max for layer in layers if layer and layer.autoscaling and layer.autoscaling.max),
            defaults.autoscaling.max,
        )
        cpu = next((layer.cpu for layer in layers if layer and layer.cpu is not None), defaults.cpu)
        vcpus += most * cpu / 1024
        tasks += most
        tasks_per_az += math.ceil(most / zones)
    cell_count = cells.cell_count(spec)
    instances = platform.database.instances
    nat = addressing.nat_gateway_count(platform.network.nat_gateways, zones)
    return FleetDemand(
        tenants=len(spec.tenants),
        cells=cell_count,
        vcpus=vcpus,
        tasks=tasks,
        tasks_per_az=tasks_per_az,
        database_per_az=math.ceil(instances / zones),
        public_addresses_per_az=ALB_ADDRESSES_PER_SUBNET * cell_count + (1 if nat else 0),
        network_interfaces=tasks + cell_count * zones + instances + nat,
    )


def usable_addresses(spec: TenantsFile) -> int:
    """Addresses AWS leaves usable in each of the platform's subnets (all are the same size: carved for
    max_zones zones)."""
    network = spec.platform.network
    plan = addressing.plan_subnets(network.vpc_cidr, network.availability_zones, network.max_zones)
    return int(2 ** (32 - plan.prefixlen)) - limits.SUBNET_RESERVED_ADDRESSES


def vpc_prefix_for(spec: TenantsFile, addresses_per_subnet: int) -> int | None:
    """The largest VPC prefix (smallest block) whose subnets each hold ``addresses_per_subnet``; None if even a
    /16 does not."""
    bits = addressing.subnet_bits(spec.platform.network.max_zones)
    for prefix in range(limits.VPC_PREFIX_MAX_SPEC, limits.VPC_PREFIX_MIN - 1, -1):
        if 2 ** (32 - prefix - bits) - limits.SUBNET_RESERVED_ADDRESSES >= addresses_per_subnet:
            return prefix
    return None


def declared_quota(spec: TenantsFile, field: str, quota: Quota) -> tuple[int, str]:
    """The quota the spec declares in ``platform.quotas.<field>``, else AWS's default; with where it came from."""
    value = getattr(spec.platform.quotas, field)
    if value is not None:
        return value, f"platform.quotas.{field}"
    return quota.default, "AWS's default"


def _raise_quota(quota: Quota, field: str) -> str:
    return f"request a higher '{quota.name}' quota ({quota.service} {quota.code}), then declare it as " + (
        f"platform.quotas.{field}"
    )


# ---- offline rules ---------------------------------------------------------------------------------------


def cells_over_their_size(spec: TenantsFile) -> Iterator[Finding]:
    """A cell that holds more than ``tenants_per_cell`` (the hard limit of 100 is a spec rule)."""
    per_cell = spec.platform.load_balancer.tenants_per_cell
    for cell in cells.occupancy(spec):
        if cell.tenants > per_cell:
            yield warning(
                "CELL-OVER-SIZE",
                ("tenants",),
                f"cell {cell.cell} holds {cell.tenants} tenants, more than tenants_per_cell ({per_cell}); its ALB "
                f"has {limits.ALB_TARGET_GROUPS_PER_LOAD_BALANCER - cell.tenants} target groups left for port "
                "changes and cell moves, which create a tenant's new target group before deleting the old one",
                "move tenants to a cell with room (`saasctl tenant move NAME --cell N`)",
            )


def load_balancers(spec: TenantsFile) -> Iterator[Finding]:
    need = cells.cell_count(spec)
    quota, source = declared_quota(spec, "application_load_balancers", limits.ALBS_PER_REGION)
    if need > quota:
        per_cell = spec.platform.load_balancer.tenants_per_cell
        yield error(
            "FLEET-ALBS",
            ("platform", "load_balancer"),
            f"the fleet runs {need} cells, one ALB each; {limits.ALBS_PER_REGION.name} is {quota} ({source}), "
            f"so at most {quota * per_cell} tenants fit at {per_cell} per cell",
            f"{_raise_quota(limits.ALBS_PER_REGION, 'application_load_balancers')}; or split the tenants across "
            "environments in other regions",
        )


def _one_per_tenant(spec: TenantsFile, code: str, field: str, quota: Quota, needs: str) -> Iterator[Finding]:
    """A quota every tenant takes one of; ``needs`` says what, with ``{count}`` for the number of tenants."""
    count = len(spec.tenants)
    value, source = declared_quota(spec, field, quota)
    if count > value:
        yield error(
            code,
            ("tenants",),
            f"{count} tenants {needs.format(count=count)}; {quota.name} is {value} ({source}), so {value} tenants fit",
            _raise_quota(quota, field),
        )


def target_groups(spec: TenantsFile) -> Iterator[Finding]:
    yield from _one_per_tenant(
        spec, "FLEET-TARGET-GROUPS", "target_groups", limits.TARGET_GROUPS_PER_REGION, "need {count} target groups"
    )


def fargate_vcpus(spec: TenantsFile, fleet: FleetDemand) -> Iterator[Finding]:
    quota, source = declared_quota(spec, "fargate_on_demand_vcpus", limits.FARGATE_ON_DEMAND_VCPUS)
    if fleet.vcpus > quota:
        each = fleet.per_tenant(fleet.vcpus)
        yield error(
            "FLEET-FARGATE-VCPU",
            ("tenants",),
            f"at every tenant's autoscaling maximum the fleet runs {fleet.tasks} tasks with {fleet.vcpus:g} vCPUs; "
            f"the {limits.FARGATE_ON_DEMAND_VCPUS.name} is {quota} ({source}), so about "
            f"{math.floor(quota / each) if each else 0} tenants of this average size ({each:g} vCPUs each at "
            "maximum) fit",
            "lower autoscaling.max or cpu, or "
            + _raise_quota(limits.FARGATE_ON_DEMAND_VCPUS, "fargate_on_demand_vcpus"),
        )


def private_addresses(spec: TenantsFile, fleet: FleetDemand) -> Iterator[Finding]:
    usable = usable_addresses(spec)
    need = fleet.private_addresses_per_az
    network = spec.platform.network
    if need > usable:
        each = fleet.per_tenant(fleet.tasks_per_az)
        fit = math.floor((usable - fleet.database_per_az) / each) if each else 0
        prefix = vpc_prefix_for(spec, need)
        bigger = f"a vpc_cidr of /{prefix} or larger" if prefix else "more availability_zones"
        yield error(
            "FLEET-SUBNET-ADDRESSES",
            ("platform", "network", "vpc_cidr"),
            f"at every tenant's autoscaling maximum each private subnet needs {need} addresses (one per task, "
            f"spread over {network.availability_zones} AZs, and the database instances); a subnet of "
            f"{network.vpc_cidr} has {usable} usable, so about {max(fit, 0)} tenants of this size fit",
            f"lower autoscaling.max; or, for a new environment (a deployed platform's network cannot change in "
            f"place), use {bigger} or more availability_zones",
        )
    elif need > 0.9 * usable:
        yield warning(
            "FLEET-SUBNET-ADDRESSES",
            ("platform", "network", "vpc_cidr"),
            f"at every tenant's autoscaling maximum each private subnet needs {need} of its {usable} usable "
            "addresses; a rolling deployment starts a service's new tasks before it stops the old ones",
            "for a new environment, use a larger vpc_cidr (a deployed platform's cannot change in place)",
        )


def public_addresses(spec: TenantsFile, fleet: FleetDemand) -> Iterator[Finding]:
    usable = usable_addresses(spec)
    if fleet.public_addresses_per_az > usable:
        fit = (usable - 1) // ALB_ADDRESSES_PER_SUBNET
        yield error(
            "FLEET-PUBLIC-ADDRESSES",
            ("platform", "network", "vpc_cidr"),
            f"{fleet.cells} ALBs need at least {ALB_ADDRESSES_PER_SUBNET} free addresses each in every public "
            f"subnet ({fleet.public_addresses_per_az} with the NAT gateway); a subnet of "
            f"{spec.platform.network.vpc_cidr} has {usable} usable, so {fit} cells fit",
            "use fewer, fuller cells (platform.load_balancer.tenants_per_cell); or, for a new environment, a larger "
            "vpc_cidr (a deployed platform's cannot change in place)",
        )


def services(spec: TenantsFile) -> Iterator[Finding]:
    yield from _one_per_tenant(
        spec,
        "FLEET-SERVICES",
        "services_per_cluster",
        limits.SERVICES_PER_CLUSTER,
        "run {count} services in the one ECS cluster",
    )


def network_interfaces(spec: TenantsFile, fleet: FleetDemand) -> Iterator[Finding]:
    quota, source = declared_quota(spec, "network_interfaces", limits.NETWORK_INTERFACES_PER_REGION)
    if fleet.network_interfaces > quota:
        each = fleet.per_tenant(fleet.tasks)
        overhead = fleet.network_interfaces - fleet.tasks
        yield error(
            "FLEET-NETWORK-INTERFACES",
            ("tenants",),
            f"at every tenant's autoscaling maximum the fleet uses {fleet.network_interfaces} network interfaces "
            f"(one per task, ALB node, database instance and NAT gateway); {limits.NETWORK_INTERFACES_PER_REGION.name}"
            f" is {quota} ({source}), so about {math.floor((quota - overhead) / each) if each else 0} tenants of this "
            "size fit",
            f"lower autoscaling.max, or {_raise_quota(limits.NETWORK_INTERFACES_PER_REGION, 'network_interfaces')}",
        )


def check(spec: TenantsFile) -> list[Finding]:
    """Every offline capacity finding of the fleet."""
    fleet = demand(spec)
    return [
        *cells_over_their_size(spec),
        *load_balancers(spec),
        *target_groups(spec),
        *fargate_vcpus(spec, fleet),
        *private_addresses(spec, fleet),
        *public_addresses(spec, fleet),
        *services(spec),
        *network_interfaces(spec, fleet),
    ]
