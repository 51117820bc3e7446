"""An in-memory Engine for the CLI and orchestrator tests: stateful, recording every call, with injectable
failures, locks and delays. Plugged in like any user engine: SAASCTL_ENGINE=tests.fakes:engine."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.outputs import PlatformOutputs
from saas_ctl.engine.base import (
    Capabilities,
    EngineEvent,
    EventSink,
    Fingerprint,
    Operation,
    StackResult,
    StackTarget,
    Status,
)
from saas_ctl.engine.changes import ChangeOp, ResourceChange, counts, ordered
from saas_ctl.engine.operations import ErrorKind
from saas_ctl.engine.pulumi import backend


@dataclass
class MemoryEngine:
    capabilities = Capabilities(cancel=True, drift=True)
    stacks: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # project -> stack -> outputs
    calls: list[tuple[str, str]] = field(default_factory=list)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)  # (operation, stack label) -> error
    raises: dict[tuple[str, str], Exception] = field(default_factory=dict)
    locks: dict[str, int] = field(default_factory=dict)  # stack label -> times it answers "locked"
    delay: float = 0.0
    in_flight: int = 0
    max_in_flight: int = 0
    cancelled: list[str] = field(default_factory=list)
    platform_cells: int = 1  # how many cells a platform `up` reports (the real count is the programs' job)
    # stack label -> what its preview and up say each resource goes through (else: 3 resources, all unchanged
    # by a preview, all created by an up, all deleted by a destroy)
    planned: dict[str, tuple[ResourceChange, ...]] = field(default_factory=dict)
    drifted: dict[str, tuple[ResourceChange, ...]] = field(default_factory=dict)  # label -> what drift finds
    outputs_added: dict[str, dict[str, Any]] = field(default_factory=dict)  # tenant stack label -> more outputs
    on_start: Callable[[list[tuple[str, str]]], None] | None = None  # called with the calls so far, as one starts
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cancel: threading.Event = field(default_factory=threading.Event)

    def deploy(self, project: str, stack: str, outputs: dict[str, Any] | None = None) -> None:
        self.stacks.setdefault(project, {})[stack] = outputs or {}

    def _operate(self, operation: Operation, target: StackTarget, on_event: EventSink | None) -> StackResult:
        with self._lock:
            self.calls.append((str(operation), target.label))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            calls = list(self.calls)
        if self.on_start:
            self.on_start(calls)
        try:
            key = (str(operation), target.label)
            if key in self.raises:
                raise self.raises[key]
            if on_event:
                on_event(EngineEvent(target.label, 0, 3, f"{operation} started"))
            deadline = time.monotonic() + self.delay
            while time.monotonic() < deadline:
                if self._cancel.is_set() and target.label in self.cancelled:
                    return StackResult(target, operation, Status.CANCELLED, error="cancelled")
                time.sleep(min(0.005, self.delay))
            with self._lock:
                if self.locks.get(target.label, 0) > 0:
                    self.locks[target.label] -= 1
                    return StackResult(
                        target, operation, Status.FAILED, error=f"{target.label} is locked", error_kind=ErrorKind.LOCKED
                    )
            if key in self.failures:
                return StackResult(target, operation, Status.FAILED, error=self.failures[key])
            return self._apply(operation, target)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _apply(self, operation: Operation, target: StackTarget) -> StackResult:
        planned = self.planned.get(target.label)
        if operation is Operation.UP:
            outputs = self._outputs_for(target)
            self.deploy(target.project, target.stack, outputs)
            done = planned if planned is not None else _every(target, ChangeOp.CREATE)
            return StackResult(target, operation, Status.SUCCEEDED, counts(done), outputs, changes_detail=done)
        if operation is Operation.DESTROY:
            self.stacks.get(target.project, {}).pop(target.stack, None)
            gone = _every(target, ChangeOp.DELETE)
            return StackResult(target, operation, Status.SUCCEEDED, counts(gone), changes_detail=gone)
        if operation is Operation.DRIFT:
            found = self.drifted.get(target.label, ())
            return StackResult(target, operation, Status.SUCCEEDED, counts(found), changes_detail=found)
        if operation is Operation.PREVIEW and planned is not None:
            return StackResult(target, operation, Status.SUCCEEDED, counts(planned), changes_detail=planned)
        return StackResult(target, operation, Status.SUCCEEDED, {"same": 3}, changes_detail=())

    def _outputs_for(self, target: StackTarget) -> dict[str, Any]:
        if target.kind == "platform":
            region = target.config.get("aws:region", "us-east-1")
            return PlatformOutputs.placeholder(region, "saas-dev", cells=self.platform_cells).as_dict()
        return {
            "bucket_name": f"bucket-{target.stack}",
            "urls": [f"http://{target.stack}.example.com"],
            "service_name": f"saas-{target.stack}-dev",
            "log_group_name": f"/saasctl/saas-dev/{target.stack}",
            "task_definition_arn": f"arn:aws:ecs:us-east-1:123456789012:task-definition/saas-{target.stack}-dev:1",
            **self.outputs_added.get(target.label, {}),
        }

    def preview(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._operate(Operation.PREVIEW, target, on_event)

    def up(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._operate(Operation.UP, target, on_event)

    def destroy(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._operate(Operation.DESTROY, target, on_event)

    def refresh(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._operate(Operation.REFRESH, target, on_event)

    def drift(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._operate(Operation.DRIFT, target, on_event)

    def outputs(self, target: StackTarget) -> dict[str, Any]:
        self.calls.append(("outputs", target.label))
        return dict(self.stacks.get(target.project, {}).get(target.stack, {}))

    def list_stacks(self, project: str) -> list[str]:
        self.calls.append(("list_stacks", project))
        return sorted(self.stacks.get(project, {}))

    def cancel(self, label: str) -> None:
        self.cancelled.append(label)
        self._cancel.set()


def _every(target: StackTarget, op: ChangeOp) -> tuple[ResourceChange, ...]:
    """The three resources of every in-memory stack, each going through ``op``."""
    return ordered(ResourceChange(op, "test:index/thing:Thing", f"{target.stack}-{n}") for n in (1, 2, 3))


ENGINE = MemoryEngine()


def engine() -> MemoryEngine:
    """The factory SAASCTL_ENGINE=tests.fakes:engine names: one engine shared by a test's CLI invocations."""
    return ENGINE


def reset() -> MemoryEngine:
    global ENGINE
    ENGINE = MemoryEngine()
    return ENGINE


TENANTS = "saas-dev-tenants"  # the tenants project of the test specs (project saas, environment dev)


def deployed_platform(engine: MemoryEngine) -> None:
    engine.deploy("saas-platform", "dev", PlatformOutputs.placeholder("us-east-1", "saas-dev").as_dict())


class StubbornEngine(MemoryEngine):
    """Stack operations that take 60 s and ignore a cancel, with the platform already deployed: what a second
    interrupt must cut through."""

    def __init__(self) -> None:
        super().__init__(delay=60.0)
        deployed_platform(self)

    def cancel(self, label: str) -> None:
        pass


class ProgramEngine(MemoryEngine):
    """A MemoryEngine that also runs each tenant stack's program under mocks when it deploys it, and keeps what the
    program declared: what a command hands the programs, seen without a cloud."""

    def __init__(self) -> None:
        super().__init__()
        self.declared: dict[str, Any] = {}

    def _apply(self, operation: Operation, target: StackTarget) -> StackResult:
        if operation is Operation.UP and target.kind == "tenant":
            from saas_ctl.engine.synth.engine import synthesize

            self.declared[target.label] = synthesize(target)
        return super()._apply(operation, target)


def program_engine() -> ProgramEngine:
    """SAASCTL_ENGINE=tests.fakes:program_engine (with ``reset_program_engine`` in the test)."""
    return PROGRAM_ENGINE


PROGRAM_ENGINE = ProgramEngine()


def reset_program_engine() -> ProgramEngine:
    global PROGRAM_ENGINE
    PROGRAM_ENGINE = ProgramEngine()
    return PROGRAM_ENGINE


class RecordingEngine(MemoryEngine):
    """A MemoryEngine that keeps fingerprints as the Pulumi engine does, in a file backend's directory
    (saas_ctl/engine/pulumi/backend.py), so that `apply` skips what did not change."""

    capabilities = Capabilities(cancel=True, drift=True, fingerprints=True)

    def __init__(self, records: Path) -> None:
        super().__init__()
        self.records_url = records.as_uri()

    def fingerprints(self, project: str) -> dict[str, Fingerprint] | None:
        return backend.read_fingerprints(self.records_url, project)

    def record_fingerprint(self, target: StackTarget, fingerprint: Fingerprint | None) -> None:
        backend.write_fingerprint(self.records_url, target.project, target.stack, fingerprint)

    def ran(self, operation: str = "up") -> list[str]:
        """The stacks ``operation`` ran on, in order, and forget them (what the next command runs starts empty)."""
        with self._lock:
            ran = [label for op, label in self.calls if op == operation]
            self.calls.clear()
        return ran


RECORDING_ENGINE: RecordingEngine | None = None


def recording_engine() -> RecordingEngine:
    """SAASCTL_ENGINE=tests.fakes:recording_engine (with ``reset_recording_engine`` in the test)."""
    assert RECORDING_ENGINE is not None, "call reset_recording_engine first"
    return RECORDING_ENGINE


def reset_recording_engine(records: Path) -> RecordingEngine:
    global RECORDING_ENGINE
    RECORDING_ENGINE = RecordingEngine(records)
    return RECORDING_ENGINE


def deployed_engine() -> MemoryEngine:
    """SAASCTL_ENGINE=tests.fakes:deployed_engine: the platform already deployed (for a CLI in a subprocess)."""
    engine = MemoryEngine()
    deployed_platform(engine)
    return engine


def stubborn_engine() -> StubbornEngine:
    """SAASCTL_ENGINE=tests.fakes:stubborn_engine."""
    return StubbornEngine()


class EmulatorEngine(MemoryEngine):
    """A MemoryEngine that also makes, on the emulator `saasctl local start` runs in the working directory, what
    saasctl's own AWS calls after a tenant's deploy look at (the cluster, the tenant's ECS service, its log
    group), and removes the service and the log group when the tenant's stack is destroyed: README's emulator
    walkthrough, every command in its order, without the Pulumi CLI (tests/integration/test_end_to_end.py runs
    it on the real engine)."""

    def _outputs_for(self, target: StackTarget) -> dict[str, Any]:
        outputs = super()._outputs_for(target)
        if target.kind == "tenant":
            aws = _emulator_clients()
            service = outputs["service_name"]
            aws("ecs").create_cluster(clusterName="saas-dev")
            outputs["task_definition_arn"] = aws("ecs").register_task_definition(
                family=service, containerDefinitions=[{"name": "app", "image": "nginx", "memory": 512}]
            )["taskDefinition"]["taskDefinitionArn"]
            aws("ecs").create_service(
                cluster="saas-dev", serviceName=service, taskDefinition=outputs["task_definition_arn"], desiredCount=1
            )
            aws("logs").create_log_group(logGroupName=outputs["log_group_name"])
        return outputs

    def _apply(self, operation: Operation, target: StackTarget) -> StackResult:
        if target.kind == "tenant" and operation is Operation.DESTROY:
            aws = _emulator_clients()
            aws("ecs").delete_service(cluster="saas-dev", service=f"saas-{target.stack}-dev", force=True)
            aws("logs").delete_log_group(logGroupName=f"/saasctl/saas-dev/{target.stack}")
        return super()._apply(operation, target)


def _emulator_clients() -> Callable[[str], Any]:
    import json
    from pathlib import Path

    import boto3

    port = json.loads(Path(".saasctl/local.json").read_text())["port"]

    make: Any = boto3.client  # any service by name (the stubs type each name's client)

    def client(service: str) -> Any:
        return make(
            service,
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return client


EMULATOR_ENGINE = EmulatorEngine()


def emulator_engine() -> EmulatorEngine:
    """SAASCTL_ENGINE=tests.fakes:emulator_engine (with ``reset_emulator_engine`` in the test)."""
    return EMULATOR_ENGINE


def reset_emulator_engine() -> EmulatorEngine:
    global EMULATOR_ENGINE
    EMULATOR_ENGINE = EmulatorEngine()
    return EMULATOR_ENGINE
