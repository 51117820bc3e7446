"""Environments that share a state backend or an account: nothing acts on a stack deployed for another project,
environment, Region or account. Through the real app, with the in-memory engine plugged in via SAASCTL_ENGINE."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from infra.outputs import PlatformOutputs, owner_record
from saas_ctl.cli.main import app
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS
from tests.moto_server import ACCOUNT

OPERATIONS = ("up", "preview", "destroy", "refresh")


def _operations(engine: fakes.MemoryEngine) -> list[tuple[str, ...]]:
    return [call for call in engine.calls if call[0] in OPERATIONS]


def _platform(engine: fakes.MemoryEngine, region: str = "us-east-1", owner: dict[str, Any] | None = None) -> None:
    outputs: dict[str, Any] = PlatformOutputs.placeholder(region, "saas-dev").as_dict()
    if owner is not None:
        outputs["owner"] = owner
    engine.deploy("saas-platform", "dev", outputs)


@pytest.fixture
def spec(write_spec: Callable[[str], Path]) -> Path:
    return write_spec(MINIMAL)


def test_a_platform_stack_recorded_for_another_region_is_refused_before_anything_runs(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    _platform(engine, "eu-west-1", owner_record("saas", "dev", "eu-west-1", ACCOUNT))
    result = runner.invoke(app, ["platform", "up", "-f", str(spec), "--skip-preflight", "--yes"])
    assert result.exit_code == 2
    assert (
        "error: refusing to act on the platform stack saas-platform/dev: it was deployed for Region eu-west-1, not "
        "us-east-1; nothing was changed" in result.stderr
    )
    assert "give this file another platform.environment" in result.stderr
    assert _operations(engine) == []


def test_a_platform_stack_from_before_the_record_is_judged_by_its_clusters_arn(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    _platform(engine, "eu-west-1")  # no owner output: its ARNs say arn:aws:rds:eu-west-1:...
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec), "--skip-preflight", "--yes"])
    assert result.exit_code == 2
    assert "it was deployed for Region eu-west-1, not us-east-1" in result.stderr
    assert _operations(engine) == []


def test_a_platform_stack_of_another_account_is_refused(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)  # the credentials' account: moto's 123456789012
    _platform(engine, owner=owner_record("saas", "dev", "us-east-1", "111111111111"))
    result = runner.invoke(app, ["platform", "destroy", "-f", str(spec), "--yes"])
    assert result.exit_code == 2
    assert (
        "it was deployed for account 111111111111, not 123456789012 (the credentials' account); nothing was changed"
        in result.stderr
    )
    assert _operations(engine) == []


def test_the_platform_stack_of_this_region_and_account_is_acted_on(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)
    _platform(engine, owner=owner_record("saas", "dev", "us-east-1", ACCOUNT))
    result = runner.invoke(app, ["platform", "up", "-f", str(spec), "--skip-preflight", "--yes"])
    assert result.exit_code == 0, result.stderr
    assert _operations(engine) == [("up", "saas-platform/dev")]


def test_prune_refuses_orphan_stacks_recorded_for_another_environment_and_destroys_nothing(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    _platform(engine, owner=owner_record("saas", "dev", "us-east-1", ACCOUNT))
    engine.deploy(TENANTS, "acme")
    engine.deploy(TENANTS, "initech", {"owner": owner_record("saas", "dev", "eu-west-1", ACCOUNT)})
    result = runner.invoke(app, ["apply", "--prune", "-f", str(spec), "--skip-preflight", "--yes"])
    assert result.exit_code == 2
    assert (
        "error: refusing to act on 1 tenant stack(s) deployed for another environment: saas-dev-tenants/initech "
        "(Region eu-west-1, not us-east-1); nothing was changed" in result.stderr
    )
    assert _operations(engine) == []
    assert "initech" in engine.stacks[TENANTS]


def test_prune_refuses_an_orphan_from_before_the_record_whose_service_names_another_environment(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    _platform(engine)
    engine.deploy(TENANTS, "initech", {"service_name": "saas-dev-initech-x", "target_group_arn": ""})
    result = runner.invoke(app, ["apply", "--prune", "--dry-run", "-f", str(spec), "--skip-preflight"])
    assert result.exit_code == 2
    assert "(an ECS service named saas-dev-initech-x, not saas-initech-dev)" in result.stderr
    assert _operations(engine) == []


def test_prune_destroys_orphans_recorded_for_this_environment(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    _platform(engine)
    engine.deploy(TENANTS, "initech", {"owner": owner_record("saas", "dev", "us-east-1", ACCOUNT)})
    result = runner.invoke(app, ["apply", "--prune", "-f", str(spec), "--skip-preflight", "--yes"])
    assert result.exit_code == 0, result.stderr
    assert ("destroy", f"{TENANTS}/initech") in engine.calls


def test_tenant_destroy_refuses_a_stack_of_another_environment(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    _platform(engine)
    engine.deploy(TENANTS, "acme", {"owner": owner_record("saas", "dev", "eu-west-1", ACCOUNT)})
    result = runner.invoke(app, ["tenant", "destroy", "acme", "-f", str(spec), "--yes"])
    assert result.exit_code == 2
    assert "saas-dev-tenants/acme (Region eu-west-1, not us-east-1)" in result.stderr
    assert _operations(engine) == [] and "name: acme" in spec.read_text()


def test_an_environment_whose_joined_name_another_environment_of_the_backend_shares_is_refused(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    # project saas-x, environment dev and project saas, environment x-dev both keep tenants in saas-x-dev-tenants.
    path = write_spec(MINIMAL.replace("project: saas", "project: saas-x"))
    engine.deploy("saas-platform", "x-dev", PlatformOutputs.placeholder("us-east-1", "saas-x-dev").as_dict())
    engine.deploy("saas-x-dev-tenants", "acme")
    result = runner.invoke(app, ["apply", "--prune", "-f", str(path), "--skip-preflight", "--yes"])
    assert result.exit_code == 2
    assert (
        "error: refusing to act on environment saas-x/dev: environment saas/x-dev, deployed in this backend, keeps "
        "its tenant stacks in the same project (saas-x-dev-tenants), so saasctl could not tell their tenants apart; "
        "nothing was changed" in result.stderr
    )
    assert _operations(engine) == []
