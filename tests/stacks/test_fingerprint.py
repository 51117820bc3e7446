"""What a stack's fingerprint is made of: a tenant's consumes exactly the platform outputs its program reads, and
its own cell's entry, not the other cells; its parts change with what they name."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from infra.outputs import PlatformOutputs
from saas_ctl.stacks import fingerprint
from saas_ctl.stacks.targets import tenant_target
from tests.conftest import MINIMAL, spec_of

PROGRAM = Path(fingerprint.__file__).resolve().parents[2] / "infra" / "tenant" / "program.py"
TWO_CELLS = PlatformOutputs.placeholder("us-east-1", "saas-dev", cells=2)


def test_a_tenant_consumes_every_platform_output_its_program_reads() -> None:
    code = "\n".join(line.split("#", 1)[0] for line in PROGRAM.read_text().splitlines())  # not the comments
    read = set(re.findall(r"\bplatform\.([a-z_]+)\b", code))
    # account() and cell() read database_cluster_arn and the cell's entry of `cells`.
    assert read - {"account", "cell"} == set(fingerprint.TENANT_CONSUMES) - {"database_cluster_arn"}


def test_another_cells_change_leaves_a_tenants_fingerprint_alone() -> None:
    spec = spec_of(MINIMAL)
    cells = [dict(TWO_CELLS.cells[0]), {**TWO_CELLS.cells[1], "listener_arn": "arn:another"}]  # type: ignore[index]
    moved = dataclasses.replace(TWO_CELLS, cells=cells)
    assert tenant_target(spec, "acme", TWO_CELLS).fingerprint == tenant_target(spec, "acme", moved).fingerprint


def test_its_own_cells_listener_changes_the_platform_part_only() -> None:
    spec = spec_of(MINIMAL)
    cells = [{**TWO_CELLS.cells[0], "listener_arn": "arn:another"}, dict(TWO_CELLS.cells[1])]  # type: ignore[index]
    moved = dataclasses.replace(TWO_CELLS, cells=cells)
    before = tenant_target(spec, "acme", TWO_CELLS).fingerprint
    after = tenant_target(spec, "acme", moved).fingerprint
    assert before is not None and after is not None
    assert after.differences(before) == ["the platform outputs it consumes changed"]
