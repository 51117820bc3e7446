"""`saasctl release`: the wave mechanics through the engine seam, with the in-memory engine plugged in (which
tenants deploy in which order, nothing after a failed gate, the rollback's deploys, resume, interrupt), the
record, the file's edits and the refusals."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.spec.loader import load
from tests import fakes
from tests.conftest import fleet_yaml

IMAGE = "registry.example.com/app:2.0"
OLD = "public.ecr.aws/nginx/nginx:stable"


def label(n: int) -> str:
    return f"{fakes.TENANTS}/t{n:04d}"


@pytest.fixture
def fleet(engine: fakes.MemoryEngine, write_spec: Callable[..., Path]) -> Path:
    """20 deployed tenants, t0001...t0020."""
    path = write_spec(fleet_yaml(20))
    fakes.deployed_platform(engine)
    for n in range(1, 21):
        engine.deploy(fakes.TENANTS, f"t{n:04d}")
    return path


def release(runner: CliRunner, path: Path, *args: str) -> Any:
    return runner.invoke(app, ["release", *args, "-f", str(path), "--json", "--parallel", "1"])


def ups(engine: fakes.MemoryEngine, since: int = 0) -> list[str]:
    return [stack for operation, stack in engine.calls[since:] if operation == "up"]


def test_a_release_deploys_the_canary_then_each_wave_in_the_files_order(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    result = release(runner, fleet, IMAGE, "--canary", "2", "--waves", "10%,50%,100%")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [(w["name"], len(w["tenants"])) for w in document["waves"]] == [
        ("canary", 2),
        ("wave 1", 2),
        ("wave 2", 7),
        ("wave 3", 9),
    ]
    assert ups(engine) == [label(n) for n in range(1, 21)]
    assert document["status"] == "completed"
    assert document["runs"] == {IMAGE: [f"t{n:04d}" for n in range(1, 21)]}


def test_a_completed_release_leaves_the_new_image_in_the_files_defaults(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    assert release(runner, fleet, IMAGE).exit_code == 0
    assert load(fleet).spec.defaults.image == IMAGE


def test_tenants_that_pin_their_image_are_left_alone_unless_include_pinned(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    fleet.write_text(fleet.read_text().replace("  - name: t0003\n", "  - name: t0003\n    image: own/app:1\n"))
    result = release(runner, fleet, IMAGE)
    assert result.exit_code == 0, result.output
    assert label(3) not in ups(engine)
    assert "t0003" in json.loads(result.stdout)["skipped"]
    assert [t.image for t in load(fleet).spec.tenants if t.name == "t0003"] == ["own/app:1"]


def test_include_pinned_releases_to_a_pinned_tenant_and_writes_its_own_image(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    fleet.write_text(fleet.read_text().replace("  - name: t0003\n", "  - name: t0003\n    image: own/app:1\n"))
    result = release(runner, fleet, IMAGE, "--include-pinned")
    assert result.exit_code == 0, result.output
    assert label(3) in ups(engine)
    assert [t.image for t in load(fleet).spec.tenants if t.name == "t0003"] == [IMAGE]


def test_a_bad_tenant_in_wave_2_stops_the_release_and_rolls_back_that_waves_deployed_tenants(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    # canary t0001; wave 1 (10% of 19 -> 2): t0002-t0003; wave 2 (to 50% -> 10): t0004-t0010; wave 3: the rest
    engine.failures[("up", label(6))] = "the new image does not start"
    result = release(runner, fleet, IMAGE)
    assert result.exit_code == 1, result.output
    deployed_in_wave_2 = [label(n) for n in (4, 5)]
    assert ups(engine) == [label(n) for n in range(1, 7)] + deployed_in_wave_2
    document = json.loads(result.stdout)
    assert (document["status"], document["wave"]) == ("failed", 2)
    statuses = {t["name"]: (t["status"], t["runs"]) for t in document["tenants"]}
    assert statuses["t0003"] == ("succeeded", IMAGE)
    assert statuses["t0004"] == ("rolled_back", OLD)
    assert statuses["t0006"] == ("failed", OLD)
    assert statuses["t0007"] == ("pending", OLD)


def test_a_stopped_release_sets_the_files_default_back_to_the_previous_image(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    engine.failures[("up", label(6))] = "the new image does not start"
    assert release(runner, fleet, IMAGE).exit_code == 1
    assert load(fleet).spec.defaults.image == OLD


def test_resume_after_a_fix_finishes_the_remaining_waves_and_deploys_nothing_twice(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    engine.failures[("up", label(6))] = "the new image does not start"
    first = json.loads(release(runner, fleet, IMAGE).stdout)
    del engine.failures[("up", label(6))]
    mark = len(engine.calls)
    result = runner.invoke(app, ["release", "resume", first["id"], "-f", str(fleet), "--json", "--parallel", "1"])
    assert result.exit_code == 0, result.output
    assert ups(engine, mark) == [label(n) for n in range(4, 21)]
    assert json.loads(result.stdout)["status"] == "completed"
    assert load(fleet).spec.defaults.image == IMAGE


def test_max_failures_tolerates_a_failed_tenant_and_rolls_back_only_it(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    engine.failures[("up", label(6))] = "the new image does not start"
    result = release(runner, fleet, IMAGE, "--max-failures", "1")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["status"] == "completed"
    assert ups(engine) == [label(n) for n in range(1, 21)]  # t0006 failed before changing anything: no rollback
    assert {t["name"]: t["status"] for t in document["tenants"]}["t0006"] == "failed"


def test_a_second_release_is_refused_while_one_is_open_unless_forced(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    engine.failures[("up", label(6))] = "the new image does not start"
    first = json.loads(release(runner, fleet, IMAGE).stdout)
    refused = release(runner, fleet, "registry.example.com/app:2.1")
    assert refused.exit_code == 2
    assert json.loads(refused.stdout)["error"] == (
        f"release {first['id']} of {IMAGE} is failed at wave 2: one release at a time"
    )
    forced = release(runner, fleet, "registry.example.com/app:2.1", "--force", "--max-failures", "1")
    assert forced.exit_code == 1, forced.output  # t0006 still fails, tolerated
    status = runner.invoke(app, ["release", "status", first["id"], "-f", str(fleet), "--json"])
    assert json.loads(status.stdout)["status"] == "superseded"


def test_status_shows_the_latest_release_as_recorded_in_the_file_backend(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path, tmp_path: Path
) -> None:
    started = json.loads(release(runner, fleet, IMAGE, "--waves", "100%").stdout)
    result = runner.invoke(app, ["release", "status", "-f", str(fleet), "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert (shown["id"], shown["image"], shown["status"]) == (started["id"], IMAGE, "completed")
    recorded = tmp_path / ".saasctl" / "state" / "releases" / "saas" / "dev" / f"{started['id']}.json"
    assert json.loads(recorded.read_text())["status"] == "completed"


def test_status_names_the_recorded_releases_when_asked_for_an_unknown_one(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    started = json.loads(release(runner, fleet, IMAGE).stdout)
    result = runner.invoke(app, ["release", "status", "r-nope", "-f", str(fleet)])
    assert result.exit_code == 2
    assert f"releases recorded: {started['id']}" in result.stderr


def test_resume_of_a_completed_release_is_refused(runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path) -> None:
    started = json.loads(release(runner, fleet, IMAGE).stdout)
    result = runner.invoke(app, ["release", "resume", started["id"], "-f", str(fleet)])
    assert result.exit_code == 2
    assert f"release {started['id']} is completed: there is nothing to resume" in result.stderr


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--waves", "50%,10%"], "--waves '50%,10%': the shares must rise and end at 100%"),
        (["--waves", "half"], "--waves 'half': 'half' is not a share of the fleet"),
        (["--canary", "nobody"], "--canary: nobody is not declared"),
        (["--check-path", "health"], "--check-path 'health' must start with /"),
    ],
)
def test_invalid_flags_are_refused_before_anything_changes(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path, flags: list[str], message: str
) -> None:
    before = fleet.read_text()
    result = release(runner, fleet, IMAGE, *flags)
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"] == message
    assert ups(engine) == [] and fleet.read_text() == before


def test_an_interrupt_during_a_wave_starts_nothing_new_and_records_where_it_stopped(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path
) -> None:
    engine.delay = 0.3

    def interrupt_at_wave_1(calls: list[tuple[str, str]]) -> None:
        if calls[-1] == ("up", label(2)):
            os.kill(os.getpid(), signal.SIGINT)

    engine.on_start = interrupt_at_wave_1
    result = release(runner, fleet, IMAGE)
    assert result.exit_code == 130, result.output
    document = json.loads(result.stdout)
    assert (document["status"], document["wave"], document["reason"]) == ("interrupted", 1, "interrupted during wave 1")
    assert ups(engine) == [label(1), label(2)]
    assert {t["name"]: t["status"] for t in document["tenants"]}["t0002"] == "cancelled"


def stopped_at_wave_2(runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path, tmp_path: Path) -> Path:
    """A release that stopped at wave 2 (t0006 failed; since fixed): its record's path, to edit."""
    engine.failures[("up", label(6))] = "the new image does not start"
    started = json.loads(release(runner, fleet, IMAGE).stdout)
    del engine.failures[("up", label(6))]
    return tmp_path / ".saasctl" / "state" / "releases" / "saas" / "dev" / f"{started['id']}.json"


def resume(runner: CliRunner, fleet: Path, recorded: Path) -> Any:
    return runner.invoke(app, ["release", "resume", recorded.stem, "-f", str(fleet), "--json", "--parallel", "1"])


def test_a_release_left_running_by_a_process_that_is_gone_can_be_resumed(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path, tmp_path: Path
) -> None:
    recorded = stopped_at_wave_2(runner, engine, fleet, tmp_path)
    record = json.loads(recorded.read_text())
    record["status"], record["runner"]["pid"] = "running", 2**22 + 1  # above Linux's pid_max: no such process
    recorded.write_text(json.dumps(record))
    result = resume(runner, fleet, recorded)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "completed"


def test_resume_of_a_wave_whose_tenants_all_passed_deploys_none_of_them_again(
    runner: CliRunner, engine: fakes.MemoryEngine, fleet: Path, tmp_path: Path
) -> None:
    recorded = stopped_at_wave_2(runner, engine, fleet, tmp_path)
    record = json.loads(recorded.read_text())  # as if interrupted while wave 2 baked, every tenant deployed
    record["status"] = "interrupted"
    for tenant in record["tenants"]:
        if tenant["wave"] == 2:
            tenant["status"], tenant["runs"], tenant["error"] = "succeeded", IMAGE, None
    recorded.write_text(json.dumps(record))
    mark = len(engine.calls)
    result = resume(runner, fleet, recorded)
    assert result.exit_code == 0, result.output
    assert ups(engine, mark) == [label(n) for n in range(12, 21)]
