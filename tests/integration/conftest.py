"""The real-engine harness: the Pulumi CLI built from source, the AWS provider double, the local file backend.

Every test here drives the real ``saasctl`` CLI in subprocesses, which drives the real Pulumi CLI through the
Automation API; the only thing replaced is AWS, by ``tests/aws_double`` (run by the CLI as the ambient plugin
``pulumi-resource-aws``). Skipped, with the reason, where no Pulumi CLI can be found.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, offline_variables

PULUMI_VERSION = "3.274.1"  # the version scripts/build-pulumi builds


def find_pulumi() -> str | None:
    """`SAASCTL_TEST_PULUMI`, else the binary scripts/build-pulumi cached, else `pulumi` on PATH."""
    explicit = os.environ.get("SAASCTL_TEST_PULUMI")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    built = Path(os.environ.get("SAASCTL_PULUMI_CACHE") or cache / "saasctl" / "pulumi-cli")
    binary = built / f"v{PULUMI_VERSION}" / "bin" / "pulumi"
    if binary.exists():
        return str(binary)
    return shutil.which("pulumi")


PULUMI = find_pulumi()
requires_pulumi = pytest.mark.skipif(
    PULUMI is None,
    reason="no Pulumi CLI: `scripts/build-pulumi` builds it where `go` is present (CI does), or put `pulumi` on PATH",
)

SPEC = """\
platform:
  project: itest
  environment: test
  region: us-east-1
  domain: example.com
  network: {vpc_cidr: 10.0.0.0/16, availability_zones: 2, nat_gateways: single}
  database: {engine_version: "15.8", instance_class: db.r6g.large, instances: 1, deletion_protection: true}
defaults:
  cpu: 256
  memory: 512
tenants: []
"""


@dataclass
class Run:
    """One saasctl process and what it left."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass
class RealEngine:
    """A working directory wired to the real Pulumi CLI and the AWS double."""

    workdir: Path
    env: dict[str, str]
    record: Path
    extra: dict[str, str] = field(default_factory=dict)

    def popen(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "saas_ctl", *args],
            cwd=cwd or self.workdir,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 600, cwd: Path | None = None) -> Run:
        process = self.popen(*args, env=env, cwd=cwd)
        stdout, stderr = process.communicate(timeout=timeout)
        return Run(process.returncode, stdout, stderr)

    def ok(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
        result = self.run(*args, env=env, cwd=cwd)
        assert result.returncode == 0, f"saasctl {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
        return result

    def use_aws(self, url: str) -> None:
        """Point every AWS call at ``url``, a moto server standing in for the account: saasctl's own (preflight,
        the kept-data check) and, through ``AWS_ENDPOINT_URL``, the provider double's, which then makes and reads
        what the engine asks for in moto."""
        self.env.update(
            {
                "AWS_ENDPOINT_URL": url,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
                # This moto server reports no running task (MOTO_ECS_SERVICE_RUNNING unset), and its UpdateService
                # starts no deployment of a new revision: no rollout can complete here. test_end_to_end shows the
                # wait on the emulator `saasctl local start` runs.
                "SAASCTL_ROLLOUT_TIMEOUT": "0",
            }
        )

    def edit_spec(self, old: str, new: str) -> None:
        path = self.workdir / "tenants.yaml"
        text = path.read_text()
        assert old in text, f"{old!r} not in tenants.yaml"
        path.write_text(text.replace(old, new))

    def calls(self) -> list[dict[str, Any]]:
        """What the AWS double was asked, in order."""
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines() if line.strip()]

    def mark(self) -> int:
        """A position in the record: ``calls_since(mark)`` gives what came after it."""
        return len(self.calls())

    def calls_since(self, mark: int) -> list[dict[str, Any]]:
        return self.calls()[mark:]

    def pulumi(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The Pulumi CLI itself, on the same backend (for comparing with what saasctl says)."""
        backend = (self.workdir / ".saasctl" / "state").as_uri()
        return subprocess.run(
            [PULUMI or "pulumi", *args],
            cwd=self.workdir,
            env={**self.env, "PULUMI_BACKEND_URL": backend},
            capture_output=True,
            text=True,
            timeout=120,
        )


def ops(calls: list[dict[str, Any]], op: str, tenant_stack: str | None = None) -> list[str]:
    """Logical names of the resources ``op`` touched (optionally only those of one stack)."""
    return [c["name"] for c in calls if c["op"] == op and (tenant_stack is None or f"::{tenant_stack}::" in c["urn"])]


def released_tree(commit: str, into: Path) -> dict[str, str]:
    """saasctl's sources as of ``commit``, unpacked into ``into``: the environment that runs that release (its
    sources first on PYTHONPATH). Skips the test in a checkout without that commit (a shallow clone)."""
    if subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", commit], check=False).returncode:
        pytest.skip(f"commit {commit} is not in this checkout")
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return {"PYTHONPATH": str(into)}


def runs_of(seen: list[tuple[str, ...]]) -> str:
    """Looks taken while a change ran, consecutive equal ones counted: `alb x3, alb+alb-2 x5, ...`."""
    labels = ("+".join(look) or "nothing" for look in seen)
    return ", ".join(f"{label} x{sum(1 for _ in run)}" for label, run in itertools.groupby(labels))


def group_named(elbv2: Any, name: str) -> str | None:
    """The ARN of the target group of that name, if there is one."""
    groups = elbv2.describe_target_groups()["TargetGroups"]
    return next((g["TargetGroupArn"] for g in groups if g["TargetGroupName"] == name), None)


def vpc_subnets(ec2: Any) -> dict[str, str]:
    """The platform's subnets (in 10.0.0.0/8), by id: their CIDR blocks."""
    return {s["SubnetId"]: s["CidrBlock"] for s in ec2.describe_subnets()["Subnets"] if s["CidrBlock"][:3] == "10."}


def healthy(elbv2: Any, group: str) -> bool:
    """Whether the target group has targets, each of them healthy (moto: an address it calls healthy)."""
    health = elbv2.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    return bool(health) and all(d["TargetHealth"]["State"] == "healthy" for d in health)


@pytest.fixture
def real(tmp_path: Path) -> Iterator[RealEngine]:
    if PULUMI is None:
        pytest.skip("no Pulumi CLI")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pulumi").symlink_to(PULUMI)
    launcher = bin_dir / "pulumi-resource-aws"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tests.aws_double "$@"\n')
    launcher.chmod(0o755)
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "tenants.yaml").write_text(SPEC)
    record = tmp_path / "aws-double.jsonl"
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "COVERAGE_PROCESS_START", "COVERAGE_FILE")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin",
            "PYTHONPATH": str(REPO),
            "PULUMI_HOME": str(tmp_path / "pulumi-home"),
            "PULUMI_CONFIG_PASSPHRASE": "integration",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "SAASCTL_ENGINE": "pulumi",
            "SAASCTL_PULUMI_ROOT": str(tmp_path / "no-installed-cli"),
            "SAASCTL_DOUBLE_RECORD": str(record),
            # No AWS credentials: preflight stays offline, and nothing can reach a real account.
            **offline_variables(tmp_path),
        }
    )
    yield RealEngine(workdir, env, record)
