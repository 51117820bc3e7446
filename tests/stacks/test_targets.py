"""Which cells the platform runs: the file's, and any cell a deployed tenant stack still routes through; and how its
subnets are carved: for max_zones, or as a platform deployed before max_zones recorded them."""

from __future__ import annotations

from pathlib import Path

from infra.outputs import PlatformOutputs
from saas_ctl.engine.synth.engine import synthesize
from saas_ctl.orchestration.session import Session
from saas_ctl.stacks.targets import cells_to_run, platform_for
from tests.conftest import fleet_yaml, spec_of
from tests.fakes import TENANTS, MemoryEngine

TWO_CELLS = spec_of(fleet_yaml(3, tenants_per_cell=2))  # t0003 in cell 2


def _deployed(cells: int) -> dict[str, object]:
    return PlatformOutputs.placeholder("us-east-1", "saas-dev", cells=cells).as_dict()


def test_a_new_platform_runs_the_cells_the_file_needs() -> None:
    assert cells_to_run(Session(MemoryEngine(), Path("t.yaml")), TWO_CELLS, None) == 2


def test_a_cell_no_deployed_tenant_uses_any_more_is_removed() -> None:
    engine = MemoryEngine()
    engine.deploy(TENANTS, "t0003", {"cell": 2})
    assert cells_to_run(Session(engine, Path("t.yaml")), TWO_CELLS, _deployed(3)) == 2


def test_a_cell_a_deployed_tenant_still_routes_through_is_kept() -> None:
    engine = MemoryEngine()
    engine.deploy(TENANTS, "moved-in-the-file", {"cell": 3})  # its entry says another cell; its stack, cell 3
    assert cells_to_run(Session(engine, Path("t.yaml")), TWO_CELLS, _deployed(3)) == 3


def test_tenant_stacks_are_not_read_when_the_platform_is_not_shrinking() -> None:
    engine = MemoryEngine()
    assert cells_to_run(Session(engine, Path("t.yaml")), TWO_CELLS, _deployed(2)) == 2
    assert engine.calls == []


def _subnet_cidrs(deployed: dict[str, object] | None) -> list[str]:
    target = platform_for(Session(MemoryEngine(), Path("t.yaml")), spec_of(fleet_yaml(1)), deployed)
    return sorted(r.inputs["cidrBlock"] for r in synthesize(target).resources if r.type == "aws:ec2/subnet:Subnet")


def test_a_platform_deployed_before_max_zones_is_deployed_with_its_old_carving() -> None:
    legacy = {**_deployed(1), "network": {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2}}
    assert _subnet_cidrs(legacy) == ["10.0.0.0/18", "10.0.128.0/18", "10.0.192.0/18", "10.0.64.0/18"]


def test_a_platform_that_recorded_max_zones_is_deployed_carved_for_it() -> None:
    carved = {**_deployed(1), "network": {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2, "max_zones": 4}}
    assert (
        _subnet_cidrs(carved)
        == _subnet_cidrs(None)
        == [
            "10.0.0.0/19",
            "10.0.128.0/19",
            "10.0.160.0/19",
            "10.0.32.0/19",
        ]
    )


def test_the_cell_a_tenant_is_moving_to_between_the_passes_of_its_move_is_kept() -> None:
    engine = MemoryEngine()
    engine.deploy(TENANTS, "t0001", {"cell": 1, "moving_to": 3})  # interrupted after the move's first pass
    assert cells_to_run(Session(engine, Path("t.yaml")), TWO_CELLS, _deployed(3)) == 3
