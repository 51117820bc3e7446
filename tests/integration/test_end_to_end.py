"""End to end through the real CLI and the real Pulumi CLI, against a moto server on 127.0.0.1.

Runs wherever `pulumi` is on PATH (and its AWS plugin can be installed); skipped elsewhere with that reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _real_aws_plugin() -> bool:
    """The real pulumi-aws provider plugin in Pulumi's plugin cache (it cannot be built or downloaded everywhere:
    tests/integration/test_lifecycle.py drives the same path with the AWS provider double instead)."""
    from importlib.metadata import version

    home = Path(os.environ.get("PULUMI_HOME") or Path.home() / ".pulumi")
    return (home / "plugins" / f"resource-aws-v{version('pulumi_aws')}").is_dir()


pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        shutil.which("pulumi") is None or not _real_aws_plugin(),
        reason="needs the Pulumi CLI and the real pulumi-aws provider plugin against the local emulator; neither "
        "is downloadable here (test_lifecycle.py covers this path with the AWS provider double)",
    ),
]

SPEC = """\
platform:
  project: e2e
  environment: test
  region: us-east-1
  domain: example.com
  throwaway: true
  network: {vpc_cidr: 10.0.0.0/16, availability_zones: 2, nat_gateways: single}
  database: {engine_version: "15.8", instance_class: db.r6g.large, instances: 1, deletion_protection: false}
defaults:
  cpu: 256
  memory: 512
tenants: []
"""


def saasctl(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PULUMI_CONFIG_PASSPHRASE": "e2e",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "SAASCTL_ENGINE": "pulumi",
    }
    result = subprocess.run(
        [sys.executable, "-m", "saas_ctl", *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=1800
    )
    if check:
        assert result.returncode == 0, f"saasctl {' '.join(args)} failed:\n{result.stderr}"
    return result


@pytest.fixture
def workdir(tmp_path: Path) -> object:
    (tmp_path / "tenants.yaml").write_text(SPEC)
    saasctl(tmp_path, "local", "start")
    yield tmp_path
    saasctl(tmp_path, "local", "stop", check=False)


def test_platform_and_tenant_lifecycle_against_a_local_emulator(workdir: Path) -> None:
    saasctl(workdir, "platform", "up", "--local")
    saasctl(workdir, "tenant", "add", "acme", "--local")
    listed = json.loads(saasctl(workdir, "tenant", "list", "--local", "--json").stdout)["tenants"]
    assert [(t["name"], t["state"]) for t in listed] == [("acme", "deployed")]
    saasctl(workdir, "tenant", "destroy", "acme", "--local", "--yes", "--delete-data")
    assert json.loads(saasctl(workdir, "tenant", "list", "--local", "--json").stdout)["tenants"] == []
    saasctl(workdir, "platform", "destroy", "--local", "--yes")
