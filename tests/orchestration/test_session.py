"""A command's session does not change while its operations run; its one cancellation reaches every
orchestrator it starts, and knows which stacks are running wherever they were started."""

import dataclasses
import threading
import time
from pathlib import Path

import pytest

from saas_ctl.engine.base import Operation, StackTarget, Status
from saas_ctl.orchestration.orchestrator import Options
from saas_ctl.orchestration.session import Session
from tests.fakes import MemoryEngine


def _targets(*names: str) -> list[StackTarget]:
    return [StackTarget("p-dev-tenants", name, lambda: None, tenant=name) for name in names]


def test_a_session_cannot_be_changed_once_made() -> None:
    session = Session(MemoryEngine(), Path("tenants.yaml"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        session.endpoint_url = "http://127.0.0.1:5000"  # type: ignore[misc]


def test_a_session_with_a_listener_is_a_new_session_sharing_the_cancellation() -> None:
    session = Session(MemoryEngine(), Path("tenants.yaml"))
    shown = session.with_listener(lambda update: None)
    assert session.listener is None and shown.listener is not None
    assert shown.cancellation is session.cancellation


def test_a_cancelled_session_starts_nothing_in_any_orchestrator() -> None:
    engine = MemoryEngine()
    session = Session(engine, Path("tenants.yaml"))
    session.cancellation.cancel()
    first = session.orchestrator().run(Operation.UP, _targets("a"))
    second = session.orchestrator(Options(parallel=1)).run(Operation.UP, _targets("b"))
    assert [r.status for r in (*first.results, *second.results)] == [Status.CANCELLED, Status.CANCELLED]
    assert first.interrupted and second.interrupted and engine.calls == []


def test_the_cancellation_names_the_stacks_running_and_cancels_them() -> None:
    engine = MemoryEngine(delay=5.0)
    session = Session(engine, Path("tenants.yaml"), options=Options(parallel=2))
    reports = []
    worker = threading.Thread(
        target=lambda: reports.append(session.orchestrator().run(Operation.UP, _targets("a", "b")))
    )
    worker.start()
    deadline = time.monotonic() + 5  # the engine takes 5 s per stack: both start long before it ends
    while len(session.cancellation.running_labels()) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert session.cancellation.running_labels() == ["p-dev-tenants/a", "p-dev-tenants/b"]
    session.cancellation.cancel()
    worker.join(timeout=5)
    assert sorted(engine.cancelled) == ["p-dev-tenants/a", "p-dev-tenants/b"]
    assert [r.status for r in reports[0].results] == [Status.CANCELLED, Status.CANCELLED]
    assert session.cancellation.running_labels() == []
