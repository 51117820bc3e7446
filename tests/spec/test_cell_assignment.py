"""Cell assignment: the cell with the most room, then stable; priorities unique per cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from saas_ctl.errors import SpecError
from saas_ctl.spec import cells
from saas_ctl.spec.loader import load
from saas_ctl.spec.store import NewTenant, add_tenant, move_tenant, remove_tenant
from tests.conftest import MINIMAL, fleet_yaml, spec_of


def test_a_tenant_without_a_cell_is_in_cell_1() -> None:
    assert cells.cell_of(spec_of(MINIMAL).tenants[0]) == 1


def test_an_environment_runs_as_many_cells_as_its_highest_tenant_cell() -> None:
    assert cells.cell_count(spec_of(fleet_yaml(5, tenants_per_cell=2))) == 3


def test_cells_set_in_the_file_are_a_minimum() -> None:
    assert cells.cell_count(spec_of(fleet_yaml(1, load_balancer="cells: 4"))) == 4


def test_a_new_tenant_goes_to_the_cell_with_the_most_room() -> None:
    text = fleet_yaml(4, tenants_per_cell=3, load_balancer="cells: 3")  # cell 1: 3 tenants, cell 2: 1, cell 3: 0
    assert cells.place(spec_of(text)) == cells.Placement(cell=3, priority=1, new_cell=False)


def test_equal_room_goes_to_the_lowest_numbered_cell() -> None:
    spec = spec_of(fleet_yaml(4, tenants_per_cell=2, load_balancer="cells: 3"))
    assert cells.place(spec).cell == 3  # cells 1 and 2 are full, 3 is empty
    assert cells.place(spec_of(fleet_yaml(0, load_balancer="cells: 3"))).cell == 1


def test_a_full_fleet_opens_a_new_cell() -> None:
    assert cells.place(spec_of(fleet_yaml(4, tenants_per_cell=2))) == cells.Placement(3, 1, new_cell=True)


def test_the_priority_is_the_lowest_free_one_in_the_chosen_cell() -> None:
    text = fleet_yaml(3, tenants_per_cell=2)  # t0003 is in cell 2 with priority 1
    assert cells.place(spec_of(text)) == cells.Placement(2, 2, new_cell=False)


def test_the_same_priority_in_two_cells_is_valid() -> None:
    spec = spec_of(fleet_yaml(2, tenants_per_cell=1))
    assert [(t.cell, t.priority) for t in spec.tenants] == [(1, 1), (2, 1)]


def test_the_same_priority_twice_in_one_cell_is_refused_naming_the_cell() -> None:
    text = fleet_yaml(3, tenants_per_cell=2).replace("priority: 2\n    cell: 1", "priority: 1\n    cell: 1")
    with pytest.raises(SpecError) as caught:
        spec_of(text)
    assert "priority 1 is already used in cell 1 by tenant 't0001'; the lowest free one in cell 1 is 2" in str(
        caught.value
    )


def test_a_cell_below_1_is_refused() -> None:
    with pytest.raises(SpecError, match="cell"):
        spec_of(MINIMAL + "    cell: 0\n")


def test_a_move_keeps_the_priority_when_it_is_free_in_the_new_cell() -> None:
    spec = spec_of(fleet_yaml(3, tenants_per_cell=2))  # t0002: cell 1 priority 2; cell 2 holds priority 1
    assert cells.priority_after_move(spec, spec.tenants[1], 2) == 2


def test_a_move_takes_the_lowest_free_priority_when_its_own_is_taken() -> None:
    spec = spec_of(fleet_yaml(3, tenants_per_cell=2))  # t0001: priority 1, taken in cell 2 by t0003
    assert cells.priority_after_move(spec, spec.tenants[0], 2) == 2


def test_occupancy_counts_every_cell_against_its_capacity() -> None:
    found = cells.occupancy(spec_of(fleet_yaml(3, tenants_per_cell=2, load_balancer="cells: 3")))
    assert [(o.cell, o.tenants, o.room) for o in found] == [(1, 2, 0), (2, 1, 1), (3, 0, 2)]


# ---- through the file ------------------------------------------------------------------------------------


def test_add_writes_the_cell_and_priority_it_chose(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(fleet_yaml(2, tenants_per_cell=2))
    spec = add_tenant(path, NewTenant("new")).spec
    assert path.read_text().endswith("  - name: new\n    priority: 1\n    cell: 2\n")
    assert [t.name for t in spec.tenants if t.cell == 2] == ["new"]


def test_adding_to_a_full_fleet_moves_no_existing_tenant(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(fleet_yaml(6, tenants_per_cell=3))
    before = [(t.name, t.cell, t.priority) for t in load(path).spec.tenants]
    spec = add_tenant(path, NewTenant("new")).spec
    assert [(t.name, t.cell, t.priority) for t in spec.tenants][:-1] == before
    assert (spec.tenants[-1].cell, spec.tenants[-1].priority) == (3, 1)


def test_removing_a_tenant_moves_no_other(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(fleet_yaml(6, tenants_per_cell=3))
    before = {t.name: (t.cell, t.priority) for t in load(path).spec.tenants}
    spec = remove_tenant(path, "t0002").spec
    assert {t.name: (t.cell, t.priority) for t in spec.tenants} == {k: v for k, v in before.items() if k != "t0002"}


def test_a_removed_tenants_room_is_reused_by_the_next_add(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(fleet_yaml(6, tenants_per_cell=3))
    remove_tenant(path, "t0002")
    added = add_tenant(path, NewTenant("new")).spec.tenants[-1]
    assert (added.cell, added.priority) == (1, 2)


def test_move_writes_the_new_cell_and_a_free_priority(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(fleet_yaml(3, tenants_per_cell=2))
    spec = move_tenant(path, "t0001", 2).spec
    assert (spec.tenants[0].cell, spec.tenants[0].priority) == (2, 2)
    assert "  - name: t0001\n    priority: 2\n    cell: 2\n" in path.read_text()


def test_move_adds_a_cell_key_to_a_tenant_written_before_cells(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    move_tenant(path, "acme", 2)
    assert path.read_text().endswith("  - name: acme\n    priority: 10\n    cell: 2\n")
