"""Running one operation over many stacks: bounded parallelism, failure isolation, lock retries, cancellation.

Threads, not processes: every stack operation is a Pulumi CLI subprocess plus a provider process, and the
SDK's inline-program server runs each program in a copied ``contextvars`` context on its own event loop
(``pulumi/automation/_server.py``), so concurrent inline programs in one process do not share state. The
threads mostly wait on those subprocesses.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from saas_ctl.engine import base as engine_base
from saas_ctl.engine.base import Engine, EngineEvent, ErrorKind, Operation, StackResult, StackTarget, Status


class State(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Update:
    """What the display shows for one stack."""

    target: StackTarget
    state: State
    done: int = 0
    total: int | None = None
    current: str | None = None


@dataclass(frozen=True)
class Options:
    parallel: int = 4
    fail_fast: bool = False
    max_failures: int | None = None  # start nothing new once more stacks than this have failed (a release's wave)
    lock_retries: int = 3  # a stack locked by another run is retried this many times before it counts as failed
    lock_backoff_seconds: float = 5.0  # doubled after every retry


@dataclass(frozen=True)
class PortChange:
    """A tenant's container port change, run in two passes (``saas_ctl.stacks.port_change``): whether the second
    pass switched its listener rule and service to the new port's target group, and how many reads of that group's
    health the switch waited for (None: nothing to read, the first pass's result was the gate)."""

    tenant: str
    from_port: int
    port: int
    switched: bool = False
    health_reads: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "from_port": self.from_port,
            "port": self.port,
            "switched": self.switched,
            "health_reads": self.health_reads,
        }

    def describe(self) -> str:
        if self.switched:
            return (
                f"tenant {self.tenant}: port {self.from_port} -> {self.port} in two passes; its listener rule switched"
                f" to port {self.port}'s target group once that was healthy"
            )
        return (
            f"tenant {self.tenant}: port {self.from_port} -> {self.port} not switched; it is still served on port"
            f" {self.from_port}: `saasctl tenant up {self.tenant}` runs the change again"
        )


@dataclass
class RunReport:
    operation: Operation
    results: list[StackResult] = field(default_factory=list)
    interrupted: bool = False
    max_in_flight: int = 0
    port_changes: list[PortChange] = field(default_factory=list)  # tenants whose port changed in two passes

    @property
    def failed(self) -> list[StackResult]:
        return [r for r in self.results if r.status is Status.FAILED]

    @property
    def cancelled(self) -> list[StackResult]:
        return [r for r in self.results if r.status is Status.CANCELLED]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results) and not self.interrupted


FINAL = {
    Status.SUCCEEDED: State.SUCCEEDED,
    Status.FAILED: State.FAILED,
    Status.CANCELLED: State.CANCELLED,
    Status.UNCHANGED: State.UNCHANGED,
}
# Operations after which a stack's recorded fingerprint no longer says what it holds.
CHANGES_STATE = (Operation.UP, Operation.REFRESH, Operation.DESTROY)

Listener = Callable[[Update], None]
Verifier = Callable[[StackResult], StackResult]
# Runs before a stack's operation, on its thread: None to go on, or the stack's (failed) result, which ends it.
Preparer = Callable[[StackTarget], StackResult | None]


class Cancellation:
    """The one cancel of a command: its signal handler cancels, and every orchestrator the command runs sees it
    (it starts nothing new) and has the engine stop what runs. Knows which stacks are running, for the message
    of a second interrupt. Thread-safe."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._running: dict[str, Engine] = {}

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            running = list(self._running.items())
        for label, engine in running:
            engine_base.cancel(engine, label)

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when the command is cancelled meanwhile (a wait that must end on Ctrl-C)."""
        self._event.wait(seconds)

    def running_labels(self) -> list[str]:
        with self._lock:
            return sorted(self._running)

    def started(self, label: str, engine: Engine) -> None:
        with self._lock:
            self._running[label] = engine

    def finished(self, label: str) -> None:
        with self._lock:
            self._running.pop(label, None)


class Orchestrator:
    def __init__(
        self,
        engine: Engine,
        options: Options = Options(),
        listener: Listener | None = None,
        sleep: Callable[[float], None] | None = None,
        cancellation: Cancellation | None = None,
    ) -> None:
        self.engine = engine
        self.options = options
        self.listener = listener or (lambda update: None)
        self.cancellation = cancellation or Cancellation()
        # The backoff before retrying a locked stack ends at once on Ctrl-C or SIGTERM.
        self.sleep = sleep or self.cancellation.wait
        self._failed_fast = threading.Event()
        self._lock = threading.Lock()
        self._in_flight = 0

    def cancel(self) -> None:
        """Start nothing new, and ask the engine to cancel what runs (when it can)."""
        self.cancellation.cancel()

    @property
    def cancelled(self) -> bool:
        return self.cancellation.is_set()

    def _stopped(self) -> bool:
        return self.cancellation.is_set() or self._failed_fast.is_set()

    def running_labels(self) -> list[str]:
        return self.cancellation.running_labels()

    def run(
        self,
        operation: Operation,
        targets: Sequence[StackTarget],
        after: Verifier | None = None,
        before: Preparer | None = None,
    ) -> RunReport:
        """``after`` checks each succeeded result (for example that the tenant's service became healthy) and
        returns it, or a failed one; ``before`` prepares each stack (for example its database) and may end it with
        a failed result instead. Both run on the stack's thread and count as part of its operation."""
        report = RunReport(operation)
        for target in targets:
            self.listener(Update(target, State.QUEUED))
        pending = list(targets)
        results: dict[str, StackResult] = {}
        failures = 0
        with ThreadPoolExecutor(max_workers=max(1, self.options.parallel), thread_name_prefix="saasctl") as pool:
            running: dict[Future[StackResult], StackTarget] = {}
            while pending or running:
                while pending and len(running) < self.options.parallel and not self._stopped():
                    target = pending.pop(0)
                    running[pool.submit(self._one, operation, target, report, after, before)] = target
                if not running:
                    break
                done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    target = running.pop(future)
                    result = future.result()
                    results[target.label] = result
                    failures += result.status is Status.FAILED
                    if result.status is Status.FAILED and self._too_many(failures):
                        self._failed_fast.set()
        for target in pending:  # never started: cancelled by a signal or by --fail-fast
            result = StackResult(
                target, operation, Status.CANCELLED, error="not started", error_kind=ErrorKind.CANCELLED
            )
            results[target.label] = result
            self.listener(Update(target, State.CANCELLED))
        report.results = [results[t.label] for t in targets]
        # Interrupted whenever the command was, whatever the engine did with the cancel (one that cannot cancel
        # finishes its operations: they succeeded, and the run still ends as interrupted, exit 130).
        report.interrupted = self.cancellation.is_set() or (
            self._stopped() and any(r.status is Status.CANCELLED for r in report.results)
        )
        return report

    def _too_many(self, failures: int) -> bool:
        limit = self.options.max_failures
        return self.options.fail_fast or (limit is not None and failures > limit)

    def _one(
        self,
        operation: Operation,
        target: StackTarget,
        report: RunReport,
        after: Verifier | None,
        before: Preparer | None,
    ) -> StackResult:
        with self._lock:
            self._in_flight += 1
            report.max_in_flight = max(report.max_in_flight, self._in_flight)
        self.cancellation.started(target.label, self.engine)
        try:
            ended = self._forget_fingerprint(operation, target) or self._prepared(operation, target, before)
            if ended is not None:
                return ended
            result = self._with_lock_retries(operation, target, after, before)
            if operation is Operation.UP and result.status is Status.SUCCEEDED and target.fingerprint is not None:
                self._record_fingerprint(result)
            return result
        finally:
            self.cancellation.finished(target.label)
            with self._lock:
                self._in_flight -= 1

    def _forget_fingerprint(self, operation: Operation, target: StackTarget) -> StackResult | None:
        """Before an operation that changes the stack: its record goes, so that if the operation fails, is
        cancelled or the process dies, the next `apply` runs the stack. When the record cannot be removed the
        stack is not touched (a later `apply` could skip it wrongly)."""
        if operation not in CHANGES_STATE:
            return None
        try:
            engine_base.record_fingerprint(self.engine, target, None)
        except Exception as exc:
            error = _failure(target, exc)
            self.listener(Update(target, State.FAILED, current=error))
            return StackResult(target, operation, Status.FAILED, error=error, error_kind=ErrorKind.FAILED)
        return None

    def _record_fingerprint(self, result: StackResult) -> None:
        """After a successful up (its checks passed too). A record that cannot be written only costs the next
        `apply` a run of this stack: the up stays a success."""
        with contextlib.suppress(Exception):
            engine_base.record_fingerprint(self.engine, result.target, result.target.fingerprint)

    def _prepared(self, operation: Operation, target: StackTarget, before: Preparer | None) -> StackResult | None:
        if before is None:
            return None
        self.listener(Update(target, State.RUNNING, current="preparing"))
        try:
            ended = before(target)
        except Exception as exc:
            ended = StackResult(target, operation, Status.FAILED, error=_failure(target, exc))
        if ended is not None:
            self.listener(Update(target, FINAL[ended.status], current=ended.error))
        return ended

    def _with_lock_retries(
        self, operation: Operation, target: StackTarget, after: Verifier | None, before: Preparer | None = None
    ) -> StackResult:
        """The operation, again while the stack is locked by another run; ``before`` runs again before each retry,
        since what it checks may have changed while the other run held the stack (it may have destroyed it)."""
        delay = self.options.lock_backoff_seconds
        attempt = 0
        while True:
            self.listener(Update(target, State.RUNNING))
            try:
                run: Callable[..., StackResult] = getattr(self.engine, operation.value)  # preview, up, destroy...
                result = run(target, self._sink(target))
            except Exception as exc:  # an engine that raises fails this stack only, never the whole run
                result = StackResult(
                    target, operation, Status.FAILED, error=_failure(target, exc), error_kind=_kind_of(exc)
                )
            if result.error_kind != ErrorKind.LOCKED or attempt >= self.options.lock_retries or self._stopped():
                break
            attempt += 1
            self.listener(Update(target, State.RETRYING, current=f"locked; retry {attempt} in {delay:.0f}s"))
            self.sleep(delay)
            delay *= 2
            ended = self._prepared(operation, target, before)
            if ended is not None:
                return ended
        if after is not None and result.ok:
            self.listener(Update(target, State.RUNNING, current="waiting for the service to become healthy"))
            try:
                result = after(result)
            except Exception as exc:
                result = replace(result, status=Status.FAILED, error=_failure(target, exc), error_kind=_kind_of(exc))
        result = classified(result)
        self.listener(Update(target, FINAL[result.status], current=result.error))
        return result

    def _sink(self, target: StackTarget) -> Callable[[EngineEvent], None]:
        def sink(event: EngineEvent) -> None:
            self.listener(Update(target, State.RUNNING, event.done, event.total, event.current))

        return sink


def classified(result: StackResult) -> StackResult:
    """Every result that did not succeed says why, as a kind callers can react to: an engine that gave none (or
    a plain string naming one) is read as having failed, or been cancelled; its message is kept."""
    if result.ok:
        return result
    default = ErrorKind.CANCELLED if result.status is Status.CANCELLED else ErrorKind.FAILED
    kind = default if result.error_kind is None else _as_kind(result.error_kind, result.error_kind)
    error = result.error or ("cancelled" if result.status is Status.CANCELLED else "failed, without saying why")
    return replace(result, error_kind=kind, error=error)


def _kind_of(exc: Exception) -> ErrorKind:
    """An exception's kind: what the machine lacks (a passphrase, the plugin: ``NotReady.kind``), else a failure."""
    return _as_kind(str(getattr(exc, "kind", ErrorKind.FAILED)), ErrorKind.FAILED)


def _as_kind(value: str, otherwise: ErrorKind) -> ErrorKind:
    """``value`` as the ErrorKind it names (an engine may answer with the plain string), else ``otherwise``."""
    try:
        return ErrorKind(value)
    except ValueError:
        return otherwise


def _failure(target: StackTarget, exc: Exception) -> str:
    """A stack's error from an exception: saasctl's own message (or the exception), naming the stack once."""
    message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    return message if target.label in message else f"{target.label}: {message}"
