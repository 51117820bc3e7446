"""SynthEngine: runs the real programs under Pulumi mocks. No CLI, no credentials, no network, no state.

Each synthesis runs in a fresh ``contextvars.Context``, because the Pulumi SDK keeps its settings and its
root stack resource in context variables: a clean context is a clean runtime, so many stacks can be
synthesised one after another in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import gc
import importlib.metadata
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from saas_ctl.engine.base import Capabilities, EventSink, Operation, PlannedResource, StackResult, StackTarget, Status
from saas_ctl.engine.changes import ChangeOp, ResourceChange, counts, ordered
from saas_ctl.engine.synth.mocks import MASK, SynthMocks, SynthMonitor


@dataclass(frozen=True)
class Synthesis:
    resources: tuple[PlannedResource, ...]
    outputs: dict[str, Any]


# Pulumi's mock runtime deadlocks when two programs run under mocks at once in one process (seen with the
# orchestrator's threads: both wait forever in run_pulumi_func). Synthesis is CPU-bound Python under the
# GIL anyway, so running one at a time loses nothing.
_ONE_AT_A_TIME = threading.Lock()


def synthesize(target: StackTarget) -> Synthesis:
    """Run ``target``'s program under mocks; return what it declares and exports."""
    with _ONE_AT_A_TIME, _collector_paused(), _no_stack_traces():
        return contextvars.Context().run(_synthesize, target)


# The SDK versions _no_stack_traces was tested with (tests/engine/test_synth.py); on any other the SDK runs as
# it is. Adding one: run those tests on it, and bench/plan_speed.py for the gain.
STACK_TRACE_PATCH_TESTED = frozenset({"3.272.0"})


@functools.cache
def sdk_version() -> str:
    return importlib.metadata.version("pulumi")


def stack_trace_patch_applies() -> bool:
    from pulumi.runtime import resource as sdk

    return sdk_version() in STACK_TRACE_PATCH_TESTED and callable(getattr(sdk, "_get_stack_trace", None))


@contextlib.contextmanager
def _no_stack_traces() -> Iterator[None]:
    """For every resource, the SDK extracts the Python stack that declared it and turns each frame into a
    source position (``pulumi.runtime.resource._get_stack_trace``, a private function) for the engine to show in
    diagnostics. The mock monitor never reads it, and it was about a tenth of a plan's time. While a program runs
    under mocks, and only on SDK versions it was tested with, the function answers what the SDK itself answers
    when it finds no user frame: an empty trace. It is restored afterwards."""
    if not stack_trace_patch_applies():
        yield
        return
    from pulumi.runtime import resource as sdk
    from pulumi.runtime.proto import source_pb2

    original = sdk._get_stack_trace
    sdk._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        sdk._get_stack_trace = original


_FROZEN = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Synthesis allocates many short-lived cycles among a great many long-lived objects (pulumi_aws's modules,
    loaded once): the cyclic collector spent about a third of plan's time scanning the latter again and again.
    The long-lived objects are frozen out of collection once they are loaded (after the first synthesis), the
    collector is paused while a program runs, and what one synthesis left is collected when it ends, so
    memory stays flat over thousands of stacks. With the collector paused everything the program allocated is
    still in the youngest generation: collecting that one frees the synthesis's cycles without scanning what
    earlier stacks left alive (a full collection there made a plan's cost grow with its length)."""
    global _FROZEN
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(0)
        if not _FROZEN:
            gc.freeze()  # what the first synthesis loaded (SDK, pulumi_aws, the programs) stays loaded
            _FROZEN = True
        if was_enabled:
            gc.enable()


class _LoopTracker(asyncio.DefaultEventLoopPolicy):
    """Remembers every event loop it creates, and on which thread.

    The SDK's RPC calls run on executor threads, each of which creates an event loop it never closes. Left
    to the cyclic garbage collector, such a loop may be finalised after its sockets and print "Exception
    ignored ... Invalid file descriptor" at exit; closing them once their thread has ended avoids that.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._loops: list[tuple[threading.Thread, asyncio.AbstractEventLoop]] = []

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        loop = super().new_event_loop()
        with self._lock:
            self._loops.append((threading.current_thread(), loop))
        return loop

    def close_finished(self) -> None:
        """Close the loops whose thread has ended, and forget those and the loops already closed (each
        synthesis closes its own: kept, a fleet's thousand would stay in memory while the run's threads live)."""
        with self._lock:
            finished = [(t, loop) for t, loop in self._loops if not t.is_alive()]
            self._loops = [(t, loop) for t, loop in self._loops if t.is_alive() and not loop.is_closed()]
        for _, loop in finished:
            if not loop.is_closed() and not loop.is_running():
                loop.close()


_TRACKER: _LoopTracker | None = None
_TRACKER_LOCK = threading.Lock()


def _tracker() -> _LoopTracker:
    global _TRACKER
    with _TRACKER_LOCK:
        if _TRACKER is None:
            _TRACKER = _LoopTracker()
            asyncio.set_event_loop_policy(_TRACKER)
        return _TRACKER


def _synthesize(target: StackTarget) -> Synthesis:
    tracker = _tracker()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return _run_program(target)
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        asyncio.set_event_loop(None)
        tracker.close_finished()


def _run_program(target: StackTarget) -> Synthesis:
    import pulumi
    from pulumi.runtime.settings import get_root_resource
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    mocks = SynthMocks(target.config.get("aws:region", "us-east-1"))
    pulumi.runtime.set_mocks(
        mocks, project=target.project, stack=target.stack, preview=False, monitor=SynthMonitor(mocks)
    )
    _sync_await(run_pulumi_func(target.program))
    root = get_root_resource()
    exported: dict[str, Any] = getattr(root, "outputs", {})
    outputs = {}
    for key, value in exported.items():
        output = pulumi.Output.from_input(value)
        outputs[key] = MASK if _sync_await(output.is_secret()) else _sync_await(output.future())
    # Registration order depends on async scheduling; sort so that plans are stable and diffable.
    return Synthesis(tuple(sorted(mocks.resources, key=lambda r: (r.type, r.name))), outputs)


NOTHING_DEPLOYED = "synth engine: the program ran under mocks; nothing was deployed, refreshed or destroyed"


class SynthEngine:
    """An Engine that deploys nothing: every operation synthesises the program and reports what it declares
    (``changes``: what a first deploy would create), each result saying that nothing was deployed."""

    capabilities = Capabilities(deploys_to_aws=False)  # nothing to wait for or look up in AWS after its operations

    def _run(self, operation: Operation, target: StackTarget, on_event: EventSink | None) -> StackResult:
        from saas_ctl.engine.base import EngineEvent

        try:
            synthesis = synthesize(target)
        except Exception as exc:  # a program bug must surface as this stack's failure, not a crash
            return StackResult(
                target, operation, Status.FAILED, error=f"{type(exc).__name__}: {exc}", note=NOTHING_DEPLOYED
            )
        count = len(synthesis.resources)
        if on_event:
            on_event(EngineEvent(target.label, count, count, None))
        creates = operation in (Operation.UP, Operation.PREVIEW)
        # Nothing is deployed, so every resource is one a first deploy would create.
        detail = (
            ordered(ResourceChange(ChangeOp.CREATE, r.type, r.name) for r in synthesis.resources) if creates else ()
        )
        changes = counts(detail)
        return StackResult(
            target,
            operation,
            Status.SUCCEEDED,
            changes,
            synthesis.outputs,
            None,
            # What the program declares, for `saasctl plan`; an up of a fleet does not keep every stack's.
            synthesis.resources if operation is Operation.PREVIEW else (),
            note=NOTHING_DEPLOYED,
            changes_detail=detail,
        )

    def preview(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._run(Operation.PREVIEW, target, on_event)

    def up(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._run(Operation.UP, target, on_event)

    def destroy(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return StackResult(target, Operation.DESTROY, Status.SUCCEEDED, {}, note=NOTHING_DEPLOYED, changes_detail=())

    def refresh(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._run(Operation.REFRESH, target, on_event)

    def outputs(self, target: StackTarget) -> dict[str, Any]:
        return synthesize(target).outputs

    def list_stacks(self, project: str) -> list[str]:
        return []
