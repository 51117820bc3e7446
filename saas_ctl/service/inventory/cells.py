"""The cells of an environment as an operator sees them: each ALB's DNS name and how full it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.outputs import PlatformOutputs
from saas_ctl.orchestration.session import Session
from saas_ctl.spec import cells, loader
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import state
from saas_ctl.stacks.targets import platform_project


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
    """`platform outputs`: the deployed platform's outputs (none when it is not deployed), and its cells."""

    stack: str
    outputs: dict[str, Any]
    cells: list[CellView]

    @property
    def deployed(self) -> bool:
        return bool(self.outputs)


def platform_view(session: Session) -> PlatformView:
    """The platform as `platform outputs` shows it: its outputs and cells, or, when its stack does not exist or
    has no outputs (a first deploy that failed leaves it so), the cells the file asks for, none deployed."""
    spec = loader.load(session.file).spec
    deployed = state.read(session, spec)
    label = f"{platform_project(spec)}/{spec.platform.environment}"
    if not deployed.platform_stack:
        return PlatformView(label, {}, cell_views(spec, None))
    platform = deployed.platform()
    return PlatformView(label, platform.as_dict(), cell_views(spec, platform))


def tenant_load_balancer(platform_outputs: dict[str, Any], cell: int) -> str | None:
    """The DNS name of the ALB serving ``cell`` on a deployed platform (None when it has no such cell yet)."""
    if not platform_outputs:
        return None
    try:
        return str(PlatformOutputs.from_stack_outputs(platform_outputs).cell(cell).load_balancer_dns_name)
    except KeyError:
        return None
