"""The orchestrator keeps fingerprint records true: an operation that may change a stack removes its record
first (so one that fails, is cancelled or dies leaves none), a successful up records the stack's fingerprint,
and a stack whose record cannot be removed is not touched."""

from __future__ import annotations

from pathlib import Path

from saas_ctl.engine.base import Fingerprint, Operation, StackTarget, Status
from saas_ctl.orchestration.orchestrator import Orchestrator
from tests.fakes import RecordingEngine

MADE_OF = Fingerprint({"settings": "a"}, {"pulumi-aws": "7.51.1"})
TARGET = StackTarget("saas-dev-tenants", "acme", lambda: None, fingerprint=MADE_OF)


def test_a_successful_up_records_the_stacks_fingerprint(tmp_path: Path) -> None:
    engine = RecordingEngine(tmp_path)
    assert Orchestrator(engine).run(Operation.UP, [TARGET]).ok
    assert engine.fingerprints("saas-dev-tenants") == {"acme": MADE_OF}


def test_a_failed_up_leaves_no_record_of_an_earlier_success(tmp_path: Path) -> None:
    engine = RecordingEngine(tmp_path)
    Orchestrator(engine).run(Operation.UP, [TARGET])
    engine.failures[("up", TARGET.label)] = "the provider failed"
    assert not Orchestrator(engine).run(Operation.UP, [TARGET]).ok
    assert engine.fingerprints("saas-dev-tenants") == {}


def test_a_refresh_or_destroy_removes_the_record(tmp_path: Path) -> None:
    engine = RecordingEngine(tmp_path)
    for operation in (Operation.REFRESH, Operation.DESTROY):
        Orchestrator(engine).run(Operation.UP, [TARGET])
        Orchestrator(engine).run(operation, [TARGET])
        assert engine.fingerprints("saas-dev-tenants") == {}, operation


def test_a_preview_keeps_the_record(tmp_path: Path) -> None:
    engine = RecordingEngine(tmp_path)
    Orchestrator(engine).run(Operation.UP, [TARGET])
    Orchestrator(engine).run(Operation.PREVIEW, [TARGET])
    assert engine.fingerprints("saas-dev-tenants") == {"acme": MADE_OF}


def test_a_stack_whose_record_cannot_be_removed_is_not_touched(tmp_path: Path) -> None:
    backend = tmp_path / "state"
    backend.write_text("a file where the backend's directory should be: removing a record in it fails")
    engine = RecordingEngine(backend)
    [result] = Orchestrator(engine).run(Operation.UP, [TARGET]).results
    assert result.status is Status.FAILED
    assert engine.calls == []
