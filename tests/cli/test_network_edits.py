"""A deployed platform's network does not change in place: a deploy that would change vpc_cidr or
availability_zones is refused before anything runs, with what to do instead. Through the real app, with the
in-memory engine plugged in via SAASCTL_ENGINE."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from infra.outputs import PlatformOutputs
from saas_ctl.cli.main import app
from tests import fakes
from tests.conftest import MINIMAL

NETWORK = "  network: {vpc_cidr: 10.0.0.0/16, availability_zones: 2}\n  database:"


def _deployed(engine: fakes.MemoryEngine, network: dict[str, Any] | None) -> None:
    outputs: dict[str, Any] = PlatformOutputs.placeholder("us-east-1", "saas-dev").as_dict()
    if network is not None:
        outputs["network"] = network
    engine.deploy("saas-platform", "dev", outputs)


def _up(runner: CliRunner, path: Path, *command: str) -> Any:
    return runner.invoke(app, [*command, "-f", str(path), "--skip-preflight", "--yes"])


def _spec(write_spec: Callable[[str], Path], network: str) -> Path:
    return write_spec(MINIMAL.replace("  database:", network, 1))


def test_a_new_vpc_cidr_of_a_deployed_platform_is_refused_before_anything_runs(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    _deployed(engine, {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2})
    path = _spec(write_spec, NETWORK.replace("10.0.0.0/16", "10.1.0.0/16"))
    result = _up(runner, path, "platform", "up")
    assert result.exit_code == 2
    assert (
        f"{path}:6: platform.network.vpc_cidr is 10.0.0.0/16 in the deployed platform and 10.1.0.0/16 in the file; "
        "it cannot change in place: the deploy would replace the VPC and everything in it" in result.stderr
    )
    assert "put vpc_cidr: 10.0.0.0/16 back; for a network of 10.1.0.0/16, create a new environment" in result.stderr
    assert [call for call in engine.calls if call[0] in ("up", "preview")] == []


def test_another_zone_count_of_a_deployed_platform_is_refused_by_apply_too(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    _deployed(engine, {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2})
    path = _spec(write_spec, NETWORK.replace("availability_zones: 2", "availability_zones: 3"))
    result = _up(runner, path, "apply")
    assert result.exit_code == 2
    assert "platform.network.availability_zones is 2 in the deployed platform and 3 in the file" in result.stderr
    assert [call for call in engine.calls if call[0] == "up"] == []


def test_the_deployed_network_unchanged_deploys(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    _deployed(engine, {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2})
    assert _up(runner, _spec(write_spec, NETWORK), "platform", "up").exit_code == 0


CARVED = {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2, "max_zones": 4}


def test_raising_availability_zones_within_max_zones_deploys(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    _deployed(engine, CARVED)
    path = _spec(write_spec, NETWORK.replace("availability_zones: 2", "availability_zones: 3"))
    result = _up(runner, path, "platform", "up")
    assert result.exit_code == 0, result.stderr
    assert ("up", "saas-platform/dev") in engine.calls


def test_lowering_availability_zones_is_refused_before_anything_runs(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    _deployed(engine, {**CARVED, "availability_zones": 3})
    path = _spec(write_spec, NETWORK)
    result = _up(runner, path, "platform", "up")
    assert result.exit_code == 2
    assert (
        f"{path}:6: platform.network.availability_zones is 3 in the deployed platform and 2 in the file; it cannot "
        "change in place: the deploy would replace the subnets of the zones left out" in result.stderr
    )
    assert "put availability_zones: 3 back; a deployed platform's zones can only be added (up to max_zones: 4)" in (
        result.stderr
    )
    assert [call for call in engine.calls if call[0] in ("up", "preview")] == []


def test_another_max_zones_of_a_deployed_platform_is_refused(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    _deployed(engine, CARVED)
    path = _spec(write_spec, NETWORK.replace("availability_zones: 2}", "availability_zones: 2, max_zones: 6}"))
    result = _up(runner, path, "apply")
    assert result.exit_code == 2
    assert (
        "platform.network.max_zones is 4 in the deployed platform and 6 in the file; it cannot change in place: the "
        "deploy would replace the subnets (every subnet's block is carved for max_zones zones)" in result.stderr
    )
    assert [call for call in engine.calls if call[0] == "up"] == []


def test_a_platform_carved_before_max_zones_cannot_add_a_zone_in_place(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    _deployed(engine, {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2})
    path = _spec(write_spec, NETWORK.replace("availability_zones: 2", "availability_zones: 3"))
    result = _up(runner, path, "platform", "up")
    assert result.exit_code == 2
    assert "this platform was deployed before max_zones existed: its subnets are carved for exactly its zone count" in (
        result.stderr
    )
    assert "a new environment's subnets are carved for max_zones: 4, so its zone count can then be raised in place" in (
        result.stderr
    )
