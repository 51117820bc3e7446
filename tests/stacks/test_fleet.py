"""`saasctl apply` through the real app with the in-memory engine, and shard properties."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.errors import UsageError
from saas_ctl.stacks.fleet import Shard, shard_of
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS, deployed_platform


def many(count: int) -> str:
    return (
        MINIMAL.split("tenants:")[0]
        + "tenants:\n"
        + "".join(f"  - name: t{i:03d}\n    priority: {i + 1}\n" for i in range(count))
    )


def test_apply_updates_the_platform_before_any_tenant(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    result = runner.invoke(app, ["apply", "-f", str(write_spec(many(5))), "--json"])
    assert result.exit_code == 0, result.stderr
    operations = [c for c in engine.calls if c[0] == "up"]
    assert operations[0] == ("up", "saas-platform/dev")
    assert sorted(c[1] for c in operations[1:]) == [f"{TENANTS}/t{i:03d}" for i in range(5)]


def test_apply_holds_the_parallel_bound(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    engine.delay = 0.02
    result = runner.invoke(app, ["apply", "-f", str(write_spec(many(12))), "--parallel", "3"])
    assert result.exit_code == 0, result.stderr
    assert engine.max_in_flight == 3


def test_apply_reports_failures_together_with_the_retry_command(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(many(6))
    engine.failures[("up", f"{TENANTS}/t001")] = "t001 broke"
    engine.failures[("up", f"{TENANTS}/t004")] = "t004 broke"
    result = runner.invoke(app, ["apply", "-f", str(path), "--json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["retry"] == f"saasctl tenant up t001 t004 -f {path}"
    assert [r["status"] for r in document["results"]].count("succeeded") == 5  # the platform and 4 tenants


def test_apply_stops_before_tenants_when_the_platform_fails(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    engine.failures[("up", "saas-platform/dev")] = "platform broke"
    result = runner.invoke(app, ["apply", "-f", str(write_spec(many(3)))])
    assert result.exit_code == 1
    assert [c for c in engine.calls if c[0] == "up"] == [("up", "saas-platform/dev")]


def test_apply_prune_destroys_exactly_the_orphans(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    for name in ("t000", "gone-1", "gone-2"):
        engine.deploy(TENANTS, name)
    result = runner.invoke(app, ["apply", "-f", str(write_spec(many(2))), "--prune", "--yes"])
    assert result.exit_code == 0, result.stderr
    assert sorted(c[1] for c in engine.calls if c[0] == "destroy") == [f"{TENANTS}/gone-1", f"{TENANTS}/gone-2"]
    assert sorted(engine.stacks[TENANTS]) == ["t000", "t001"]


def test_apply_without_prune_leaves_orphans(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "gone")
    assert runner.invoke(app, ["apply", "-f", str(write_spec(many(1)))]).exit_code == 0
    assert "gone" in engine.stacks[TENANTS]


def test_prune_off_a_terminal_needs_yes(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "gone")
    result = runner.invoke(app, ["apply", "-f", str(write_spec(many(1))), "--prune"])
    assert result.exit_code == 2
    assert "Destroy the stacks of 1 tenant(s) no longer declared (gone)?" in result.stderr


def test_shard_two_does_not_touch_the_platform(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["apply", "-f", str(write_spec(many(20))), "--shard", "2/3"])
    assert result.exit_code == 0, result.stderr
    ups = [c[1] for c in engine.calls if c[0] == "up"]
    assert "saas-platform/dev" not in ups
    assert sorted(u.rsplit("/", 1)[1] for u in ups) == sorted(
        f"t{i:03d}" for i in range(20) if shard_of(f"t{i:03d}", 3) == 2
    )


def test_other_shards_fail_clearly_when_the_platform_is_not_deployed(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    result = runner.invoke(app, ["apply", "-f", str(write_spec(many(3))), "--shard", "2/2", "--platform-wait", "0"])
    assert result.exit_code == 2
    assert "error: the platform stack saas-platform/dev is not deployed" in result.stderr


def test_invalid_shard_is_a_usage_error(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    result = runner.invoke(app, ["apply", "-f", str(write_spec(many(1))), "--shard", "3/2"])
    assert result.exit_code == 2
    assert result.stderr == "error: --shard '3/2' is not K/N with 1 <= K <= N\nhint: for example --shard 2/4\n"


def test_a_signal_mid_run_cancels_and_exits_130(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    engine.delay = 1.0

    def signal_as_the_second_tenant_starts(calls: list[tuple[str, str]]) -> None:
        tenant_ups = [label for operation, label in calls if operation == "up" and label.startswith(TENANTS)]
        if len(tenant_ups) == 2 and calls[-1] == ("up", tenant_ups[-1]):
            os.kill(os.getpid(), signal.SIGTERM)

    # The signal lands while the first two tenants run, however slow the machine is.
    engine.on_start = signal_as_the_second_tenant_starts
    result = runner.invoke(app, ["apply", "-f", str(write_spec(many(8))), "--parallel", "2", "--json"])
    assert result.exit_code == 130
    document = json.loads(result.stdout)
    assert document["interrupted"] is True
    statuses = [r["status"] for r in document["results"]]
    assert statuses[0] == "succeeded"  # the platform
    assert statuses[1:] == ["cancelled"] * 8
    assert len([c for c in engine.calls if c[0] == "up"]) == 1 + 2
    assert sorted(engine.cancelled) == [f"{TENANTS}/t000", f"{TENANTS}/t001"]


@settings(max_examples=200)
@given(
    names=st.sets(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True), min_size=1, max_size=60),
    count=st.integers(1, 12),
)
def test_shards_are_complete_and_disjoint(names: set[str], count: int) -> None:
    owners = {name: [k for k in range(1, count + 1) if Shard(k, count).owns(name)] for name in names}
    assert all(len(shards) == 1 for shards in owners.values())


@settings(max_examples=200)
@given(
    names=st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True), min_size=2, max_size=60, unique=True),
    count=st.integers(1, 12),
)
def test_adding_a_tenant_moves_no_other_tenant(names: list[str], count: int) -> None:
    before = {name: shard_of(name, count) for name in names[:-1]}
    after = {name: shard_of(name, count) for name in names}
    assert all(after[name] == shard for name, shard in before.items())


def test_shards_spread_a_fleet_roughly_evenly() -> None:
    counts = [0] * 4
    for i in range(1000):
        counts[shard_of(f"tenant-{i}", 4) - 1] += 1
    assert min(counts) > 200


@pytest.mark.parametrize("text", ["0/3", "4/3", "a/b", "3", "1/0"])
def test_shard_parse_rejects_nonsense(text: str) -> None:
    with pytest.raises(UsageError):
        Shard.parse(text)


def test_the_platform_wait_ends_at_its_deadline_not_at_the_next_poll(
    engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    from saas_ctl.errors import Refused
    from saas_ctl.orchestration.session import Session
    from saas_ctl.spec.loader import load
    from saas_ctl.stacks.fleet import wait_for_platform

    path = write_spec(MINIMAL)
    slept: list[float] = []
    with pytest.raises(Refused):
        wait_for_platform(Session(engine, path), load(path), 1.0, sleep=slept.append, poll_seconds=15.0)
    assert slept and all(seconds <= 1.0 for seconds in slept)


def test_the_retry_command_quotes_a_path_with_a_space(
    runner: CliRunner, engine: fakes.MemoryEngine, tmp_path: Path
) -> None:
    path = tmp_path / "my specs" / "tenants.yaml"
    path.parent.mkdir()
    path.write_text(many(2))
    engine.failures[("up", f"{TENANTS}/t001")] = "t001 broke"
    document = json.loads(runner.invoke(app, ["apply", "-f", str(path), "--json"]).stdout)
    assert document["retry"] == f"saasctl tenant up t001 -f '{path}'"
