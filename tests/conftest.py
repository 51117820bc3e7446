"""Fixtures shared by every test layer: the example spec, spec files in tmp_path, the real CLI app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests import fakes

pytest_plugins = ["tests.moto_server"]

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "tenants.yaml"

MINIMAL = """\
platform:
  project: saas
  environment: dev
  region: us-east-1
  domain: example.com
  database:
    engine_version: "15.8"
defaults:
  cpu: 256
  memory: 512
tenants:
  - name: acme
    priority: 10
"""


def fleet_yaml(
    tenants: int,
    *,
    tenants_per_cell: int | None = None,
    assign_cells: bool = True,
    load_balancer: str = "",
    platform: str = "",
    defaults: str = "",
) -> str:
    """A spec of ``tenants`` tenants named t0001...; with ``assign_cells`` each has the cell and priority
    `saasctl tenant add` would have given it (cells filled in order), else all are in cell 1 (no ``cell:``)."""
    per_cell = tenants_per_cell or 90
    lines = [
        "platform:",
        "  project: saas",
        "  environment: dev",
        "  region: us-east-1",
        "  domain: example.com",
        "  database:",
        '    engine_version: "15.8"',
        "  load_balancer:",
        f"    tenants_per_cell: {per_cell}" if tenants_per_cell else "    certificate_arn: null",
        *(f"    {line}" for line in load_balancer.splitlines()),
        *(f"  {line}" for line in platform.splitlines()),
        "defaults:",
        "  cpu: 256",
        "  memory: 512",
        *(f"  {line}" for line in defaults.splitlines()),
        "tenants:" if tenants else "tenants: []",
    ]
    for index in range(tenants):
        cell, slot = divmod(index, per_cell) if assign_cells else (0, index)
        lines += [f"  - name: t{index + 1:04d}", f"    priority: {slot + 1}"]
        if assign_cells:
            lines.append(f"    cell: {cell + 1}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text()


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str, name: str = "tenants.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> fakes.MemoryEngine:
    """The in-memory engine plugged in through SAASCTL_ENGINE; no AWS credentials, so preflight runs offline."""
    monkeypatch.setenv("SAASCTL_ENGINE", "tests.fakes:engine")
    monkeypatch.chdir(tmp_path)
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return fakes.reset()
