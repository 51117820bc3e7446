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


def spec_text(tenants: int) -> str:
    entries = [
        f"  - name: tenant-{i:05d}\n    priority: {i + 1}\n    cpu: 512\n    memory: 1024\n"
        f"    environment: {{PLAN: pro}}\n    tags: {{plan: pro}}\n"
        for i in range(tenants)
    ]
    return HEADER + "".join(entries)


def write_spec(directory: Path, tenants: int) -> Path:
    path = directory / f"tenants-{tenants}.yaml"
    path.write_text(spec_text(tenants))
    return path
