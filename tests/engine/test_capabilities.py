"""The engine contract: optional capabilities are declared, not guessed from attributes; error kinds are an enum
that reads as its plain value in JSON and compares equal to the strings an engine of one's own may return."""

import json
from typing import Any

from saas_ctl.engine import base
from saas_ctl.engine.base import Capabilities, ErrorKind, Operation, StackResult, StackTarget, Status


class Recording:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def check_ready(self) -> None:
        self.calls.append("check_ready")

    def cancel(self, label: str) -> None:
        self.calls.append(f"cancel {label}")

    def last_update(self, target: StackTarget) -> dict[str, Any] | None:
        self.calls.append("last_update")
        return {"result": "succeeded"}


class Declaring(Recording):
    capabilities = Capabilities(check_ready=True, cancel=True, last_update=True)


TARGET = StackTarget("p", "s", lambda: None)


def test_an_engine_that_declares_nothing_is_asked_for_nothing_beyond_the_operations_and_cancel() -> None:
    engine = Recording()
    base.check_ready(engine)
    assert base.last_update(engine, TARGET) is None
    assert engine.calls == []


def test_an_engine_of_the_earlier_protocol_with_a_cancel_method_is_still_cancelled() -> None:
    engine = Recording()
    base.cancel(engine, "p/s")
    assert engine.calls == ["cancel p/s"]
    assert base.capabilities(engine) == Capabilities(cancel=True)


def test_an_engine_that_declares_its_capabilities_without_cancel_is_not_cancelled() -> None:
    class NoCancel(Recording):
        capabilities = Capabilities(check_ready=True)

    engine = NoCancel()
    base.cancel(engine, "p/s")
    assert engine.calls == []


def test_a_declared_capability_is_used() -> None:
    engine = Declaring()
    base.check_ready(engine)
    base.cancel(engine, "p/s")
    assert base.last_update(engine, TARGET) == {"result": "succeeded"}
    assert engine.calls == ["check_ready", "cancel p/s", "last_update"]


def test_an_engine_that_declares_nothing_deploys_to_aws() -> None:
    assert base.capabilities(object()).deploys_to_aws is True


def test_an_error_kind_is_its_plain_value_in_json() -> None:
    result = StackResult(TARGET, Operation.UP, Status.FAILED, error="held", error_kind=ErrorKind.LOCKED)
    assert json.loads(json.dumps(result.to_json()))["error_kind"] == "locked"


def test_an_error_kind_equals_the_string_an_engine_of_ones_own_returns() -> None:
    assert ErrorKind.LOCKED == "locked" and ErrorKind("not_found") is ErrorKind.NOT_FOUND
