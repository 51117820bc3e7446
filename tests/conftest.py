"""Fixtures shared by every test layer: the example spec, the one spec builder, spec files in tmp_path, the real
CLI app, and the one offline environment (a machine without AWS credentials)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from saas_ctl.spec.loader import LoadedSpec, load_bytes
from saas_ctl.spec.models import TenantsFile
from tests import fakes

pytest_plugins = ["tests.moto_server"]

# Property tests assert behaviour, never speed: no per-example deadline (a slow machine is not a failure). In CI
# (CI set) the examples are derived from each test rather than drawn at random, so a run that lands is
# repeatable; anywhere else every run explores new examples.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

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


def loaded_of(text: str = MINIMAL) -> LoadedSpec:
    """A spec read from YAML text exactly as from a file (refused the same way when invalid)."""
    return load_bytes(text.encode(), "t.yaml")


def spec_of(text: str = MINIMAL) -> TenantsFile:
    return loaded_of(text).spec


# ---- the offline environment --------------------------------------------------------------------------------
AWS_CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")


def offline_variables(home: Path) -> dict[str, str]:
    """What makes a machine one without AWS credentials (with AWS_CREDENTIAL_VARIABLES unset): credential
    files that do not exist, no instance metadata, an empty user cache. Preflight's auto mode then runs
    offline, as on CI, and nothing can reach a real account."""
    return {
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
        "AWS_CONFIG_FILE": str(home / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "XDG_CACHE_HOME": str(home / "cache"),
    }


def offline_environment(home: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """A child process's environment on that machine: ``base`` (default: this process's) without credentials."""
    inherited = dict(os.environ if base is None else base)
    return {
        **{k: v for k, v in inherited.items() if k not in AWS_CREDENTIAL_VARIABLES},
        **offline_variables(home),
    }


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """This process on that machine; returns the home its variables point into."""
    for key in AWS_CREDENTIAL_VARIABLES:
        monkeypatch.delenv(key, raising=False)
    for key, value in offline_variables(tmp_path).items():
        monkeypatch.setenv(key, value)
    return tmp_path


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
def engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, offline: Path) -> fakes.MemoryEngine:
    """The in-memory engine plugged in through SAASCTL_ENGINE, offline (preflight runs its offline rules)."""
    monkeypatch.setenv("SAASCTL_ENGINE", "tests.fakes:engine")
    monkeypatch.chdir(tmp_path)
    return fakes.reset()


@contextlib.contextmanager
def html_page_endpoint() -> Iterator[str]:
    """An endpoint that answers every request with an HTML page (a web server, a proxy's login page): its URL."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
