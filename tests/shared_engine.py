"""An engine whose stacks live in a directory, so that several saasctl processes see one deployment: what two
commands run at once do to each other, without a cloud. SAASCTL_ENGINE=tests.shared_engine:engine, with
SAASCTL_TEST_STACKS naming the directory and SAASCTL_TEST_DELAY (``operation:stack=seconds,...``, ``*`` for any
stack) slowing this process's operations. Every operation is appended to ``log`` in the directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
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
        self._cancelled = threading.Event()

    def _log(self, line: str) -> None:
        with open(self.root / "log", "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {line}\n")

    def _wait(self, seconds: float) -> bool:
        """Sleep ``seconds``, as a stack operation runs; True when it was cancelled meanwhile."""
        return self._cancelled.wait(seconds)

    def _path(self, label: str) -> Path:
        return self.root / (label.replace("/", "__") + ".json")

    def _operate(self, operation: Operation, target: StackTarget) -> StackResult:
        delay = self.delays.get((str(operation), target.stack), self.delays.get((str(operation), "*"), 0.0))
        if os.environ.get("SAASCTL_TEST_PROVIDER"):  # a provider-like child, in a process group of its own
            child = subprocess.Popen(
                [sys.executable, "-c", "import time; time.sleep(300)"],
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # a process left behind must not hold the run's output open
                stderr=subprocess.DEVNULL,
            )
            self._log(f"provider {child.pid}")
        self._log(f"started {operation} {target.label}")
        if self._wait(delay):
            return StackResult(target, operation, Status.CANCELLED, error="cancelled")
        self._log(f"{operation} {target.label}")
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
        self._log(f"outputs {target.label}")
        path = self._path(target.label)
        return json.loads(path.read_text()) if path.exists() else {}

    def list_stacks(self, project: str) -> list[str]:
        prefix = f"{project}__"
        return sorted(p.name[len(prefix) : -len(".json")] for p in self.root.glob(f"{prefix}*.json"))


class EarlierEngine(SharedEngine):
    """An engine written to the earlier protocol: a ``cancel`` method, no ``capabilities`` declared."""

    capabilities = None  # type: ignore[assignment]

    def cancel(self, label: str) -> None:
        self._log(f"cancel {label}")
        self._cancelled.set()


class DeafEngine(SharedEngine):
    """An engine that cannot cancel: its operations run to their end whatever happens."""

    def _wait(self, seconds: float) -> bool:
        time.sleep(seconds)
        return False


def parse_delays(text: str) -> dict[tuple[str, str], float]:
    delays = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        head, _, seconds = item.partition("=")
        operation, _, stack = head.partition(":")
        delays[(operation, stack)] = float(seconds)
    return delays


def engine() -> SharedEngine:
    return SharedEngine(Path(os.environ["SAASCTL_TEST_STACKS"]), parse_delays(os.environ.get("SAASCTL_TEST_DELAY", "")))


def earlier_engine() -> EarlierEngine:
    return EarlierEngine(
        Path(os.environ["SAASCTL_TEST_STACKS"]), parse_delays(os.environ.get("SAASCTL_TEST_DELAY", ""))
    )


def deaf_engine() -> DeafEngine:
    return DeafEngine(Path(os.environ["SAASCTL_TEST_STACKS"]), parse_delays(os.environ.get("SAASCTL_TEST_DELAY", "")))


def start(workdir: Path, root: Path, *args: str, engine: str = "engine", **variables: str) -> subprocess.Popen[str]:
    """saasctl in a subprocess of its own, on the shared engine (``engine``: its factory here) in ``root``, offline;
    ``variables``: more of its environment."""
    from tests.conftest import REPO, offline_environment

    env = {
        **offline_environment(workdir),
        "PYTHONPATH": str(REPO),
        "SAASCTL_ENGINE": f"tests.shared_engine:{engine}",
        "SAASCTL_TEST_STACKS": str(root),
        **variables,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "saas_ctl", *args],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def logged(root: Path) -> list[str]:
    """What the engines of every process did, in order (without the pids)."""
    path = root / "log"
    return [line.split(" ", 1)[1] for line in path.read_text().splitlines()] if path.exists() else []
