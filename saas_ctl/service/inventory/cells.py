"""The cells of an environment as an operator sees them: each ALB's DNS name and how full it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.outputs import PlatformOutputs
from saas_ctl.orchestration.session import Session
from saas_ctl.spec import cells, loader
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import state


@dataclass(frozen=True)
class CellView:
    occupancy: cells.Occupancy
    load_balancer_dns_name: str | None  # None: the platform has no such cell yet (`platform up` creates it)

    def to_json(self) -> dict[str, Any]:
        taken = self.occupancy
        return {
            "cell": taken.cell,
            "tenants": taken.tenants,
            "capacity": taken.capacity,
            "room": taken.room,
            "deployed": self.load_balancer_dns_name is not None,
            "load_balancer_dns_name": self.load_balancer_dns_name,
        }

    def describe(self) -> str:
        taken = self.occupancy
        where = self.load_balancer_dns_name or "not deployed yet (`saasctl platform up` creates it)"
        return f"cell {taken.cell}: {taken.tenants} of {taken.capacity} tenants ({taken.room} free)  {where}"


def cell_views(spec: TenantsFile, platform: PlatformOutputs | None) -> list[CellView]:
    """Every cell the file asks for, and any more the deployed platform has, with its load balancer's name."""
    deployed = {n: platform.cell(n).load_balancer_dns_name for n in platform.cell_numbers()} if platform else {}
    taken = {o.cell: o for o in cells.occupancy(spec)}
    per_cell = spec.platform.load_balancer.tenants_per_cell
    return [
        CellView(taken.get(number, cells.Occupancy(number, 0, per_cell)), deployed.get(number))
        for number in sorted(set(taken) | set(deployed))
    ]


@dataclass(frozen=True)
class PlatformView:
    """`platform outputs`: the deployed platform's outputs, and its cells."""

    outputs: dict[str, Any]
    cells: list[CellView]


def platform_view(session: Session) -> PlatformView:
    """The deployed platform as `platform outputs` shows it; refused when it is not deployed."""
    spec = loader.load(session.file).spec
    platform = state.read(session, spec).platform()
    return PlatformView(platform.as_dict(), cell_views(spec, platform))


def tenant_load_balancer(platform_outputs: dict[str, Any], cell: int) -> str | None:
    """The DNS name of the ALB serving ``cell`` on a deployed platform (None when it has no such cell yet)."""
    if not platform_outputs:
        return None
    try:
        return str(PlatformOutputs.from_stack_outputs(platform_outputs).cell(cell).load_balancer_dns_name)
    except KeyError:
        return None
