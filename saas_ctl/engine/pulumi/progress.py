"""The engine's events as saasctl's progress, and the operation's log."""

from __future__ import annotations

from typing import Any

from saas_ctl.engine.base import (
    EngineEvent,
    EventSink,
    StackTarget,
)


def write_log_line(handle: Any, line: str) -> None:
    handle.write(line if line.endswith("\n") else line + "\n")
    handle.flush()


class OperationProgress:
    """Turns Pulumi engine events into EngineEvents: resources done of those started, and the current step."""

    def __init__(self, target: StackTarget, sink: EventSink | None) -> None:
        self.target = target
        self.sink = sink
        self.started = 0
        self.done = 0

    def __call__(self, event: Any) -> None:
        if self.sink is None:
            return
        if event.resource_pre_event is not None:
            self.started += 1
            meta = event.resource_pre_event.metadata
            current = f"{meta.op.value} {meta.type}"
        elif event.res_outputs_event is not None:
            self.done += 1
            current = None
        elif event.summary_event is not None:
            current = "done"
        else:
            return
        self.sink(EngineEvent(self.target.label, self.done, self.started or None, current))
