"""What an edit of the file does to the monthly bill: `tenant add` and `tenant set` (suspend, resume) say it
before they deploy, and put it in their JSON document."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from saas_ctl.cost import prices
from saas_ctl.cost.estimate import estimate, monthly_of
from saas_ctl.errors import UsageError
from saas_ctl.spec.models import TenantsFile


@dataclass(frozen=True)
class MonthlyChange:
    tenant: str
    before: Decimal  # the tenant's own monthly cost at its desired count (0 when it was not declared)
    after: Decimal
    environment_before: Decimal  # the whole environment's (platform included: a new cell is a new ALB)
    environment_after: Decimal
    prices: str  # which table: "saasctl's bundled prices for us-east-1 as of 2026-12-02"

    def describe(self) -> str:
        return (
            f"monthly cost of tenant {self.tenant}: {_money(self.before)} -> {_money(self.after)} "
            f"({_signed(self.after - self.before)}); of the environment: {_money(self.environment_before)} -> "
            f"{_money(self.environment_after)} ({_signed(self.environment_after - self.environment_before)}), "
            f"at desired counts, from {self.prices} (`saasctl cost`)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "before": float(self.before),
            "after": float(self.after),
            "difference": float(self.after - self.before),
            "environment_before": float(self.environment_before),
            "environment_after": float(self.environment_after),
            "environment_difference": float(self.environment_after - self.environment_before),
            "prices": self.prices,
        }


def _money(amount: Decimal) -> str:
    return f"${amount:,}"


def _signed(amount: Decimal) -> str:
    return f"+${amount:,}" if amount >= 0 else f"-${-amount:,}"


def fleet_cost(spec: TenantsFile, deployed: Collection[str]) -> dict[str, Any] | None:
    """`apply --dry-run`: the environment's monthly cost as the file asks, and what the tenants it would create
    (no stack yet) add; None when there are no prices for the Region. A changed tenant's cost before the change is
    not known here (the deployed stacks keep no settings): `tenant set` says that one."""
    try:
        table = prices.load(spec.platform.region)
    except UsageError:
        return None
    found = estimate(spec, table)
    new = {t.name: float(t.monthly) for t in found.tenants if t.name not in set(deployed)}
    return {
        "monthly": float(found.monthly()),
        "monthly_at_max": float(found.monthly(at_max=True)),
        "new_tenants": new,
        "added_by_new_tenants": float(sum((Decimal(str(v)) for v in new.values()), Decimal(0))),
        "prices": table.describe(),
    }


def describe_fleet_cost(cost: dict[str, Any]) -> str:
    """One line: the environment's monthly cost, and what new tenants add."""
    new = ", ".join(f"{name} +${amount:,.2f}" for name, amount in cost["new_tenants"].items())
    return (
        f"monthly cost: ${cost['monthly']:,.2f} at desired counts, ${cost['monthly_at_max']:,.2f} at autoscaling "
        f"maximums" + (f"; new tenants add {new}" if new else "") + f" (from {cost['prices']}, `saasctl cost`)"
    )


def monthly_change(before: TenantsFile, after: TenantsFile, name: str) -> MonthlyChange | None:
    """The change ``after`` makes to tenant ``name``'s and the environment's monthly cost; None when there are
    no prices for the Region (`saasctl cost` says why)."""
    try:
        table = prices.load(after.platform.region)
    except UsageError:
        return None
    return MonthlyChange(
        name,
        monthly_of(before, name, table),
        monthly_of(after, name, table),
        estimate(before, table).monthly(),
        estimate(after, table).monthly(),
        table.describe(),
    )
