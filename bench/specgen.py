"""Generated tenants files of any size, for the benchmarks."""

from __future__ import annotations

from pathlib import Path

HEADER = """\
platform:
  project: saas
  environment: dev
  region: us-east-1
  domain: example.com
  network: {vpc_cidr: 10.0.0.0/16, availability_zones: 3, nat_gateways: per_az}
  database: {engine_version: "15.8", instance_class: db.r6g.large, instances: 2}
  tags: {cost-center: platform}
defaults:
  cpu: 256
  memory: 512
  autoscaling: {min: 1, max: 4, cpu_target: 60}
tenants:
"""


TENANTS_PER_CELL = 90  # the default of platform.load_balancer.tenants_per_cell


def spec_text(tenants: int, cells: bool = True) -> str:
    """``tenants`` tenants; with ``cells`` each has the cell and priority `saasctl tenant add` would have given
    it, without them every tenant is in cell 1 with a priority of its own (as files were before cells)."""
    entries = []
    for i in range(tenants):
        cell, slot = divmod(i, TENANTS_PER_CELL)
        placement = f"    priority: {slot + 1}\n    cell: {cell + 1}\n" if cells else f"    priority: {i + 1}\n"
        entries.append(
            f"  - name: tenant-{i:05d}\n{placement}    cpu: 512\n    memory: 1024\n"
            f"    environment: {{PLAN: pro}}\n    tags: {{plan: pro}}\n"
        )
    return HEADER + "".join(entries)


def write_spec(directory: Path, tenants: int) -> Path:
    path = directory / f"tenants-{tenants}.yaml"
    path.write_text(spec_text(tenants))
    return path
