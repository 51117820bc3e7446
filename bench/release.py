"""Release wall time: `saasctl release` over N tenants in W waves with an engine whose every operation takes a
fixed time t, against the ideal Σ over waves of (ceil(wave size / parallel) x t + bake).

The release runs as the CLI runs it (the service, the file edit, the record in a file backend, the orchestrator)
with an engine that deploys nothing to AWS, so the gate is the deploys' own results and each bake a wait.
Target: every ratio within 1.1. What a release costs besides its waves is fixed (the locked, comment-preserving
edit of the file, reading what is deployed, the record written after each wave): it is measured first, with
t = 0 and no bake, and is why t defaults to half a second (a real tenant deploy takes a minute or more).

Run: python bench/release.py [--delay SECONDS] [--bake SECONDS]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fleet import DelayEngine
from bench.specgen import spec_text
from saas_ctl.engine.base import Capabilities
from saas_ctl.orchestration.orchestrator import Options
from saas_ctl.orchestration.session import Session
from saas_ctl.service.release import ReleaseRequest, start
from saas_ctl.spec.cells import cell_count
from saas_ctl.spec.loader import load
from saas_ctl.stacks import fleet


class OffAws(DelayEngine):
    capabilities = Capabilities(deploys_to_aws=False)


class Quiet:
    """The service's Interaction off a terminal, saying nothing."""

    interactive = False

    def notice(self, text: str) -> None:
        pass

    warn = success = notice

    def ask(self, question: str) -> bool:
        return True

    def show_changes(self, results: object) -> None:
        pass

    @contextlib.contextmanager
    def running(self, session: Session) -> Iterator[Session]:
        yield session


def run(count: int, parallel: int, waves: str, delay: float, bake: float, directory: Path) -> tuple[float, float]:
    """(wall time of the release, its ideal) for ``count`` tenants already deployed."""
    directory.mkdir(exist_ok=True)
    path = directory / f"release-{count}-{parallel}.yaml"
    # The file names the image its tenants run, as a team's file that ships releases does.
    path.write_text(spec_text(count).replace("defaults:\n", "defaults:\n  image: registry.example.com/app:1.0\n"))
    loaded = load(path)
    engine = OffAws(0.0, cell_count(loaded.spec))
    session = Session(engine, path, options=Options(parallel=parallel))
    fleet.apply(session, loaded)  # deployed first, at no cost
    engine.delay = delay
    backend = (directory / f"state-{count}-{parallel}-{len(waves)}").as_uri()
    request = ReleaseRequest("registry.example.com/app:2.0", canary="1", waves=waves, bake=bake, yes=True)
    began = time.perf_counter()
    outcome = start(session, Quiet(), request, backend)
    elapsed = time.perf_counter() - began
    assert outcome.release.status == "completed", outcome.release.reason
    ideal = sum(math.ceil(len(wave.tenants) / parallel) * delay + bake for wave in outcome.release.waves)
    return elapsed, ideal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=0.5, help="t: seconds every stack operation takes")
    parser.add_argument("--bake", type=float, default=1.0)
    arguments = parser.parse_args()
    print(f"t = {arguments.delay}s, bake = {arguments.bake}s, canary 1")
    print(f"{'tenants':>7} {'parallel':>8} {'waves':>14} {'W':>2} {'wall':>8} {'ideal':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        fixed, _ = run(200, 16, "10%,50%,100%", 0.0, 0.0, Path(tmp) / "fixed")
        print(f"fixed cost of a release of 200 tenants (t = 0, no bake): {fixed:.2f}s")
        for count, parallel, waves in (
            (20, 4, "10%,50%,100%"),
            (200, 4, "10%,50%,100%"),
            (200, 16, "10%,50%,100%"),
            (200, 16, "1%,5%,25%,50%,100%"),
        ):
            elapsed, ideal = run(count, parallel, waves, arguments.delay, arguments.bake, Path(tmp))
            planned = 1 + len(waves.split(","))
            print(
                f"{count:>7} {parallel:>8} {waves:>14} {planned:>2} {elapsed:7.2f}s {ideal:7.2f}s "
                f"{elapsed / ideal:6.3f}"
            )


if __name__ == "__main__":
    main()
