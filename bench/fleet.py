"""Fleet throughput: 200 tenants through `apply` with an engine whose every operation takes a fixed delay.

For --parallel 1, 4 and 16 prints the wall time, its ratio to the ideal (1 + ceil(N/parallel)) x delay (the
platform, then the tenants in waves; target within 10%), and the peak Python memory of the run (target:
flat in N beyond the engine's own use; shown for N = 50 and 200).

Run: python bench/fleet.py [--delay SECONDS]
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.specgen import spec_text
from infra.outputs import PlatformOutputs
from saas_ctl.engine.base import EventSink, Operation, StackResult, StackTarget, Status
from saas_ctl.orchestration.orchestrator import Options
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.cells import cell_count
from saas_ctl.spec.loader import load
from saas_ctl.stacks import fleet


class DelayEngine:
    """Every operation sleeps ``delay`` seconds and succeeds; the platform reports placeholder outputs with the
    cells the spec needs (what the platform program would run)."""

    def __init__(self, delay: float, cells: int = 1) -> None:
        self.delay = delay
        self.cells = cells
        self.deployed: dict[str, dict[str, Any]] = {}

    def _op(self, operation: Operation, target: StackTarget) -> StackResult:
        time.sleep(self.delay)
        platform = PlatformOutputs.placeholder("us-east-1", "saas-dev", cells=self.cells)
        outputs = platform.as_dict() if target.kind == "platform" else {}
        self.deployed[target.label] = outputs
        return StackResult(target, operation, Status.SUCCEEDED, {"same": 25}, outputs)

    def preview(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._op(Operation.PREVIEW, target)

    def up(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._op(Operation.UP, target)

    def destroy(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._op(Operation.DESTROY, target)

    def refresh(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._op(Operation.REFRESH, target)

    def outputs(self, target: StackTarget) -> dict[str, Any]:
        return self.deployed.get(target.label, {})

    def list_stacks(self, project: str) -> list[str]:
        return [label.rsplit("/", 1)[1] for label in self.deployed if label.startswith(project + "/")]


def run(count: int, parallel: int, delay: float, directory: Path) -> tuple[float, int]:
    path = directory / f"fleet-{count}.yaml"
    path.write_text(spec_text(count))
    loaded = load(path)
    session = Session(DelayEngine(delay, cell_count(loaded.spec)), path, options=Options(parallel=parallel))
    tracemalloc.start()
    start = time.perf_counter()
    reports = fleet.apply(session, loaded)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert all(r.ok for r in reports)
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=0.05)
    delay = parser.parse_args().delay
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        print(f"{'tenants':>7} {'parallel':>8} {'wall':>8} {'ideal':>8} {'ratio':>6} {'peak py mem':>12}")
        for count in (50, 200):
            for parallel in (1, 4, 16):
                if count == 50 and parallel == 1:
                    continue
                elapsed, peak = run(count, parallel, delay, directory)
                ideal = (1 + math.ceil(count / parallel)) * delay
                print(
                    f"{count:>7} {parallel:>8} {elapsed:7.2f}s {ideal:7.2f}s {elapsed / ideal:6.3f} "
                    f"{peak / 1024 / 1024:9.2f} MiB"
                )
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
