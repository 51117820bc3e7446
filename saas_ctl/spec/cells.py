"""Cells: the environment's load balancers and the tenants each one serves. Pure functions of a valid spec.

A cell is one ALB with its listener(s). A tenant's cell is written in the file (``cell:``, default 1) like
its priority: `saasctl tenant add` picks the cell with the most room and the lowest free priority in it,
and from then on the tenant stays where it is whatever happens to the others. The environment runs as many
cells as ``platform.load_balancer.cells`` asks for, or as the highest cell a tenant is in, whichever is more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from infra import aws_limits as limits
from saas_ctl.spec.models import Tenant, TenantsFile


def cell_of(tenant: Tenant) -> int:
    """The tenant's cell; a tenant written before cells existed is in cell 1."""
    return tenant.cell or 1


def cell_count(spec: TenantsFile) -> int:
    """How many cells (ALBs) the platform runs for ``spec``."""
    return max([spec.platform.load_balancer.cells, *(cell_of(t) for t in spec.tenants)])


def members(spec: TenantsFile) -> dict[int, list[Tenant]]:
    """Every cell, 1 to :func:`cell_count`, with its tenants in file order (empty cells included)."""
    cells: dict[int, list[Tenant]] = {cell: [] for cell in range(1, cell_count(spec) + 1)}
    for tenant in spec.tenants:
        cells[cell_of(tenant)].append(tenant)
    return cells


def lowest_free_priority(used: Iterable[int]) -> int:
    """The smallest ALB rule priority not in ``used``."""
    taken = set(used)
    candidate = limits.ALB_PRIORITY_MIN
    while candidate in taken:
        candidate += 1
    return candidate


def priorities_in(spec: TenantsFile, cell: int) -> set[int]:
    return {t.priority for t in spec.tenants if cell_of(t) == cell and t.priority is not None}


@dataclass(frozen=True)
class Placement:
    cell: int
    priority: int
    new_cell: bool  # the platform needs one more ALB for it


def place(spec: TenantsFile) -> Placement:
    """Where a new tenant goes: the cell with the most room (the lowest-numbered of equals), or a new cell when
    every cell holds ``tenants_per_cell`` tenants; with the lowest priority free in that cell."""
    cells = occupancy(spec)
    best = max(cells, key=lambda c: (c.room, -c.cell))
    if best.room == 0:
        return Placement(len(cells) + 1, limits.ALB_PRIORITY_MIN, new_cell=True)
    return Placement(best.cell, lowest_free_priority(priorities_in(spec, best.cell)), new_cell=False)


def priority_after_move(spec: TenantsFile, tenant: Tenant, cell: int) -> int:
    """The tenant's priority in ``cell``: its own if that is free there, else the lowest free one."""
    taken = priorities_in(spec, cell) - ({tenant.priority} if cell_of(tenant) == cell else set())
    if tenant.priority is not None and tenant.priority not in taken:
        return tenant.priority
    return lowest_free_priority(taken)


@dataclass(frozen=True)
class Occupancy:
    cell: int
    tenants: int
    capacity: int  # tenants_per_cell

    @property
    def room(self) -> int:
        return max(self.capacity - self.tenants, 0)


def occupancy(spec: TenantsFile) -> list[Occupancy]:
    per_cell = spec.platform.load_balancer.tenants_per_cell
    return [Occupancy(cell, len(tenants), per_cell) for cell, tenants in members(spec).items()]
