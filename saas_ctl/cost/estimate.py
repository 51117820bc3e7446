"""The monthly cost of an environment: the platform's shared parts and each tenant's own, from a price table.

Every line is a quantity times a price, rounded to the cent (half up); totals are sums of lines. A tenant's
tasks are counted at its desired count and at its autoscaling maximum; a suspended tenant runs none and pays
only for what it keeps (its bucket, secret and database storage). What the file cannot say (ALB capacity units,
gigabytes stored, log volume) comes from the table's ``usage`` assumptions, shown with every estimate; NAT data
processing and traffic out of AWS depend on traffic and are not estimated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from saas_ctl.cost.prices import PriceTable
from saas_ctl.spec.cells import cell_count
from saas_ctl.spec.models import EffectiveTenant, TenantsFile, resolve

CENT = Decimal("0.01")
MIB_PER_UNIT = Decimal(1024)  # Fargate cpu units per vCPU, MiB per GB


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    item: str
    quantity: Decimal
    price: str  # the table's key
    monthly: Decimal  # quantity x price, to the cent

    def to_json(self, table: PriceTable) -> dict[str, Any]:
        price = table[self.price]
        return {
            "item": self.item,
            "quantity": float(self.quantity),
            "unit": price.unit,
            "price": self.price,
            "usd": float(price.usd),
            "monthly": float(self.monthly),
        }


def _line(table: PriceTable, item: str, quantity: Decimal, price: str) -> Line:
    return Line(item, quantity, price, cents(quantity * table[price].usd))


def total(lines: list[Line]) -> Decimal:
    return sum((line.monthly for line in lines), Decimal(0))


@dataclass(frozen=True)
class TenantCost:
    name: str
    tier: str | None
    suspended: bool
    at_desired: list[Line]
    at_max: list[Line]

    @property
    def monthly(self) -> Decimal:
        return total(self.at_desired)

    @property
    def monthly_at_max(self) -> Decimal:
        return total(self.at_max)


@dataclass(frozen=True)
class Estimate:
    table: PriceTable
    platform: list[Line]
    tenants: list[TenantCost]
    warnings: list[str] = field(default_factory=list)

    @property
    def platform_monthly(self) -> Decimal:
        return total(self.platform)

    @property
    def platform_share(self) -> Decimal:
        """The platform's monthly cost split evenly between the file's tenants (suspended ones too)."""
        return cents(self.platform_monthly / len(self.tenants)) if self.tenants else Decimal(0)

    def monthly(self, at_max: bool = False) -> Decimal:
        own = sum((t.monthly_at_max if at_max else t.monthly for t in self.tenants), Decimal(0))
        return self.platform_monthly + own


def platform_lines(spec: TenantsFile, table: PriceTable) -> tuple[list[Line], list[str]]:
    """The shared stack: NAT gateways and their addresses, one ALB per cell and its addresses (one per
    availability zone), the Aurora instances, the master password's secret."""
    hours = Decimal(table.hours_per_month)
    network = spec.platform.network
    zones = network.availability_zones
    nats = {"none": 0, "single": 1, "per_az": zones}[network.nat_gateways]
    cells = cell_count(spec)
    database = spec.platform.database
    lines = [
        _line(table, f"NAT gateways ({nats})", nats * hours, "nat_gateway_hour"),
        _line(table, f"NAT gateway public IPv4 addresses ({nats})", nats * hours, "public_ipv4_hour"),
        _line(table, f"load balancers ({cells} cell{'s' if cells != 1 else ''})", cells * hours, "alb_hour"),
        _line(
            table, f"load balancer public IPv4 addresses ({cells * zones})", cells * zones * hours, "public_ipv4_hour"
        ),
    ]
    warnings = []
    priced_class = table["aurora_instance_hour"].instance_class
    if priced_class in (None, database.instance_class):
        lines.append(
            _line(
                table,
                f"Aurora instances ({database.instances} x {database.instance_class})",
                database.instances * hours,
                "aurora_instance_hour",
            )
        )
    else:
        warnings.append(
            f"the price table has Aurora instance prices for {priced_class} only, not {database.instance_class}: "
            "the database instances are not counted (`saasctl cost --refresh-prices` reads the file's class)"
        )
    lines.append(_line(table, "database master password secret", Decimal(1), "secret_month"))
    return lines, warnings


def tenant_lines(tenant: EffectiveTenant, tasks: int, table: PriceTable) -> list[Line]:
    """One tenant's own parts with ``tasks`` tasks running (0 when suspended)."""
    hours = Decimal(table.hours_per_month)
    usage = table.usage
    running = 0 if tenant.suspended else tasks
    vcpus = Decimal(tenant.cpu) / MIB_PER_UNIT
    gigabytes = Decimal(tenant.memory) / MIB_PER_UNIT
    logs = running * usage["logs_gb_per_task_month"]
    lcus = Decimal(0) if tenant.suspended else usage["alb_lcu_per_tenant"]
    io = Decimal(0) if tenant.suspended else usage["aurora_io_million_per_tenant"]
    return [
        _line(table, f"Fargate vCPU ({running} x {vcpus} vCPU)", running * vcpus * hours, "fargate_vcpu_hour"),
        _line(table, f"Fargate memory ({running} x {gigabytes} GB)", running * gigabytes * hours, "fargate_gb_hour"),
        _line(table, "load balancer capacity units (estimate)", lcus * hours, "alb_lcu_hour"),
        _line(table, "S3 bucket storage", usage["s3_gb_per_tenant"], "s3_gb_month"),
        _line(table, "Secrets Manager secret", Decimal(1), "secret_month"),
        _line(table, "CloudWatch Logs ingestion", logs, "logs_ingested_gb"),
        _line(
            table,
            f"CloudWatch Logs storage ({tenant.log_retention_days} days kept)",
            logs * Decimal(tenant.log_retention_days) / Decimal(30),
            "logs_stored_gb_month",
        ),
        _line(table, "Aurora storage", usage["aurora_storage_gb_per_tenant"], "aurora_storage_gb_month"),
        _line(table, "Aurora I/O", io, "aurora_io_million"),
    ]


def tenant_cost(tenant: EffectiveTenant, table: PriceTable) -> TenantCost:
    return TenantCost(
        tenant.name,
        tenant.tier,
        tenant.suspended,
        tenant_lines(tenant, tenant.desired_count, table),
        tenant_lines(tenant, tenant.autoscaling.max, table),
    )


def estimate(spec: TenantsFile, table: PriceTable) -> Estimate:
    platform, warnings = platform_lines(spec, table)
    tenants = [tenant_cost(resolve(t, spec), table) for t in spec.tenants]
    return Estimate(table, platform, tenants, warnings)


def monthly_of(spec: TenantsFile | None, name: str, table: PriceTable) -> Decimal:
    """Tenant ``name``'s own monthly cost at its desired count in ``spec``; 0 when it is not declared there."""
    declared = [t for t in (spec.tenants if spec else []) if t.name == name]
    if spec is None or not declared:
        return Decimal(0)
    return tenant_cost(resolve(declared[0], spec), table).monthly
