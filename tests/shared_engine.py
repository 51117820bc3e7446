"""An engine whose stacks live in a directory, so that several saasctl processes see one deployment: what two
commands run at once do to each other, without a cloud. SAASCTL_ENGINE=tests.shared_engine:engine, with
SAASCTL_TEST_STACKS naming the directory and SAASCTL_TEST_DELAY (``operation:stack=seconds,...``, ``*`` for any
stack) slowing this process's operations. Every operation is appended to ``log`` in the directory."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from infra.outputs import PlatformOutputs
from saas_ctl.engine.base import Capabilities, EventSink, Operation, StackResult, StackTarget, Status


class SharedEngine:
    capabilities = Capabilities(deploys_to_aws=False)

    def __init__(self, root: Path, delays: dict[tuple[str, str], float]) -> None:
        self.root = root
        self.delays = delays

    def _path(self, label: str) -> Path:
        return self.root / (label.replace("/", "__") + ".json")

    def _operate(self, operation: Operation, target: StackTarget) -> StackResult:
        delay = self.delays.get((str(operation), target.stack), self.delays.get((str(operation), "*"), 0.0))
        time.sleep(delay)
        with open(self.root / "log", "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {operation} {target.label}\n")
        if operation is Operation.UP:
            outputs = (
                PlatformOutputs.placeholder("us-east-1", "saas-dev").as_dict()
                if target.kind == "platform"
                else {"bucket_name": f"bucket-{target.stack}"}
            )
            self._path(target.label).write_text(json.dumps(outputs))
            return StackResult(target, operation, Status.SUCCEEDED, {"create": 1}, outputs)
        if operation is Operation.DESTROY:
            self._path(target.label).unlink(missing_ok=True)
            return StackResult(target, operation, Status.SUCCEEDED, {"delete": 1})
        return StackResult(target, operation, Status.SUCCEEDED, {"same": 1})

    def deploy(self, label: str, outputs: dict[str, Any]) -> None:
        self._path(label).write_text(json.dumps(outputs))

    def deployed(self, label: str) -> bool:
        return self._path(label).exists()

    def preview(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._operate(Operation.PREVIEW, target)

    def up(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._operate(Operation.UP, target)

    def destroy(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._operate(Operation.DESTROY, target)

    def refresh(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._operate(Operation.REFRESH, target)

    def outputs(self, target: StackTarget) -> dict[str, Any]:
        path = self._path(target.label)
        return json.loads(path.read_text()) if path.exists() else {}

    def list_stacks(self, project: str) -> list[str]:
        prefix = f"{project}__"
        return sorted(p.name[len(prefix) : -len(".json")] for p in self.root.glob(f"{prefix}*.json"))


def parse_delays(text: str) -> dict[tuple[str, str], float]:
    delays = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        head, _, seconds = item.partition("=")
        operation, _, stack = head.partition(":")
        delays[(operation, stack)] = float(seconds)
    return delays


def engine() -> SharedEngine:
    return SharedEngine(Path(os.environ["SAASCTL_TEST_STACKS"]), parse_delays(os.environ.get("SAASCTL_TEST_DELAY", "")))
