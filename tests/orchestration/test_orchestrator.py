"""The orchestrator with the in-memory engine: bounds, isolation, fail-fast, lock retries, cancellation."""

from __future__ import annotations

import threading

from saas_ctl.engine.base import ErrorKind, Operation, StackResult, StackTarget, Status
from saas_ctl.errors import NotReady
from saas_ctl.orchestration.orchestrator import Options, Orchestrator, State, Update, classified
from tests.fakes import MemoryEngine


def targets(count: int) -> list[StackTarget]:
    return [StackTarget("p-dev-tenants", f"t{i:03d}", lambda: None, tenant=f"t{i:03d}") for i in range(count)]


def test_concurrency_never_exceeds_parallel_and_reaches_it() -> None:
    engine = MemoryEngine(delay=0.02)
    report = Orchestrator(engine, Options(parallel=4)).run(Operation.UP, targets(20))
    assert engine.max_in_flight == 4
    assert report.max_in_flight == 4
    assert [r.status for r in report.results] == [Status.SUCCEEDED] * 20


def test_results_keep_the_order_of_the_targets() -> None:
    report = Orchestrator(MemoryEngine(), Options(parallel=8)).run(Operation.UP, targets(30))
    assert [r.target.stack for r in report.results] == [f"t{i:03d}" for i in range(30)]


def test_a_failing_stack_does_not_stop_the_others() -> None:
    engine = MemoryEngine()
    engine.failures[("up", "p-dev-tenants/t003")] = "boom"
    report = Orchestrator(engine, Options(parallel=2)).run(Operation.UP, targets(8))
    assert [r.target.stack for r in report.failed] == ["t003"]
    assert sum(r.ok for r in report.results) == 7


def test_an_engine_that_raises_fails_only_that_stack() -> None:
    engine = MemoryEngine()
    engine.raises[("up", "p-dev-tenants/t001")] = RuntimeError("socket closed")
    report = Orchestrator(engine, Options(parallel=2)).run(Operation.UP, targets(3))
    assert [(r.target.stack, r.status, r.error) for r in report.results] == [
        ("t000", Status.SUCCEEDED, None),
        ("t001", Status.FAILED, "p-dev-tenants/t001: RuntimeError: socket closed"),
        ("t002", Status.SUCCEEDED, None),
    ]


def test_every_result_that_did_not_succeed_carries_an_error_kind() -> None:
    engine = MemoryEngine()
    engine.failures[("up", "p-dev-tenants/t000")] = "boom"  # an engine that says why only in words
    engine.raises[("up", "p-dev-tenants/t001")] = RuntimeError("socket closed")
    engine.raises[("up", "p-dev-tenants/t002")] = NotReady("no plugin", lacking="no AWS provider plugin", kind="plugin")
    report = Orchestrator(engine, Options(parallel=1)).run(Operation.UP, targets(3))
    assert [(r.error_kind, r.error) for r in report.results] == [
        (ErrorKind.FAILED, "boom"),
        (ErrorKind.FAILED, "p-dev-tenants/t001: RuntimeError: socket closed"),
        (ErrorKind.PLUGIN, "p-dev-tenants/t002: no plugin"),
    ]


def test_a_kind_given_as_a_plain_string_is_read_as_the_kind_it_names() -> None:
    result = classified(StackResult(targets(1)[0], Operation.UP, Status.FAILED, error="x", error_kind="locked"))
    assert result.error_kind is ErrorKind.LOCKED


def test_a_cancelled_result_without_a_kind_or_a_word_says_it_was_cancelled() -> None:
    result = classified(StackResult(targets(1)[0], Operation.UP, Status.CANCELLED))
    assert (result.error_kind, result.error) == (ErrorKind.CANCELLED, "cancelled")


def test_fail_fast_starts_nothing_after_the_first_failure() -> None:
    engine = MemoryEngine()
    engine.failures[("up", "p-dev-tenants/t002")] = "boom"
    report = Orchestrator(engine, Options(parallel=1, fail_fast=True)).run(Operation.UP, targets(6))
    assert [r.status for r in report.results] == [Status.SUCCEEDED, Status.SUCCEEDED, Status.FAILED] + [
        Status.CANCELLED
    ] * 3
    assert len([c for c in engine.calls if c[0] == "up"]) == 3


def test_max_failures_starts_nothing_once_more_stacks_than_it_have_failed() -> None:
    engine = MemoryEngine()
    engine.failures.update({("up", "p-dev-tenants/t001"): "boom", ("up", "p-dev-tenants/t003"): "boom"})
    report = Orchestrator(engine, Options(parallel=1, max_failures=1)).run(Operation.UP, targets(6))
    assert [r.status for r in report.results] == [
        Status.SUCCEEDED,
        Status.FAILED,
        Status.SUCCEEDED,
        Status.FAILED,
        Status.CANCELLED,
        Status.CANCELLED,
    ]


def test_locked_stack_is_retried_with_backoff_then_succeeds() -> None:
    engine = MemoryEngine()
    engine.locks["p-dev-tenants/t000"] = 2
    sleeps: list[float] = []
    report = Orchestrator(engine, Options(parallel=1, lock_retries=3, lock_backoff_seconds=5), sleep=sleeps.append).run(
        Operation.UP, targets(1)
    )
    assert report.results[0].status is Status.SUCCEEDED
    assert sleeps == [5, 10]


def test_locked_stack_fails_after_the_retry_bound() -> None:
    engine = MemoryEngine()
    engine.locks["p-dev-tenants/t000"] = 10
    report = Orchestrator(
        engine, Options(parallel=1, lock_retries=3, lock_backoff_seconds=0), sleep=lambda s: None
    ).run(Operation.UP, targets(1))
    assert (report.results[0].status, report.results[0].error_kind) == (Status.FAILED, "locked")
    assert engine.calls.count(("up", "p-dev-tenants/t000")) == 4


def test_cancel_mid_run_starts_nothing_new_and_cancels_the_running() -> None:
    engine = MemoryEngine(delay=1.0)
    orchestrator = Orchestrator(engine, Options(parallel=2))
    engine.on_start = lambda calls: orchestrator.cancel() if len(calls) == 2 else None  # as the second starts
    report = orchestrator.run(Operation.UP, targets(6))
    assert report.interrupted
    assert sorted(engine.cancelled) == ["p-dev-tenants/t000", "p-dev-tenants/t001"]
    assert [r.status for r in report.results] == [Status.CANCELLED] * 6
    assert len([c for c in engine.calls if c[0] == "up"]) == 2


def test_listener_sees_queued_running_and_final_states() -> None:
    seen: list[tuple[str, State]] = []
    lock = threading.Lock()

    def listen(update: Update) -> None:
        with lock:
            seen.append((update.target.stack, update.state))

    Orchestrator(MemoryEngine(), Options(parallel=1), listen).run(Operation.UP, targets(1))
    assert [state for _, state in seen] == [State.QUEUED, State.RUNNING, State.RUNNING, State.SUCCEEDED]
