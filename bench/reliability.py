"""Signalled runs, hostile inputs and the data-loss path, counted: issue 19's reliability figures.

Signals: RUNS runs of each scenario below, on the real CLI in a subprocess with --json and a cross-process engine
(tests/shared_engine.py: stacks in a directory, operations that take as long as told). For every run: its exit
code, whether stdout holds exactly one JSON document, and how many processes it started are still running after
it ended. The target is every run 130, every run one document, 0 processes left.

Tracebacks: inputs that once ended in a Python traceback (a malformed endpoint, an endpoint answering HTML, a
duration with a unit, an invalid file size or lock timeout); the target is 0 tracebacks, each exit 2.

Data loss (--real, minutes: the real Pulumi engine with the AWS double on moto): a `tenant destroy --delete-data`
that fails, then a plain `tenant destroy`; the target is 0 data resources deleted by the plain destroy.

Both sides run the same scenarios: this tree and BASELINE (the main this work began from), from a temporary git
worktree that gets this tree's tests/shared_engine.py.

Run: python bench/reliability.py [--runs N] [--real] [--no-baseline]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.worktree import checked_out  # noqa: E402
from tests.conftest import MINIMAL, html_page_endpoint, offline_variables  # noqa: E402

BASELINE = "42f67a5"  # main when this round's signals, concurrency and data-loss work began

PLATFORM_OUTPUTS = "saas-platform__dev.json"


@dataclass(frozen=True)
class Ran:
    code: int
    documents: int  # JSON documents on stdout: 1 is right
    left: int  # processes the run started still running after it ended
    traceback: bool
    signalled: bool = True  # False: the run may have ended before its signal landed (not counted)


@dataclass(frozen=True)
class Scenario:
    name: str
    args: tuple[str, ...]
    engine: str = "engine"
    delay: str = ""
    platform: bool = True  # the platform deployed before the run
    provider: bool = False  # each operation starts a provider-like child in a process group of its own
    signals: int = 1
    signum: int = signal.SIGTERM
    when: str = "operation"  # operation: once the tenant's operation started; waiting; startup; result


SIGNALLED = (
    Scenario("apply, SIGTERM during a tenant's up", ("apply", "--yes", "--skip-preflight"), delay="up:acme=30"),
    Scenario(
        "apply, SIGINT during a tenant's up",
        ("apply", "--yes", "--skip-preflight"),
        delay="up:acme=30",
        signum=signal.SIGINT,
    ),
    Scenario(
        "apply --shard 2/2 waiting for the platform",
        ("apply", "--shard", "2/2", "--platform-wait", "1800", "--yes", "--skip-preflight"),
        platform=False,
        when="waiting",
    ),
    Scenario(
        "engine of the earlier protocol (cancel, no capabilities)",
        ("tenant", "up", "acme", "--yes", "--skip-preflight"),
        engine="earlier_engine",
        delay="up:acme=30",
    ),
    Scenario(
        "engine that cannot cancel",
        ("tenant", "up", "acme", "--yes", "--skip-preflight"),
        engine="deaf_engine",
        delay="up:acme=2",
    ),
    Scenario(
        "second signal, a provider running",
        ("tenant", "up", "acme", "--yes", "--skip-preflight"),
        engine="deaf_engine",
        delay="up:acme=30",
        provider=True,
        signals=2,
    ),
    Scenario("SIGTERM during start-up", ("validate",), when="startup"),
    Scenario("SIGTERM after the result", ("validate",), when="result"),
)


def run_signalled(tree: Path, scenario: Scenario, work: Path) -> Ran:
    stacks = work / "stacks"
    shutil.rmtree(stacks, ignore_errors=True)
    stacks.mkdir(parents=True)
    (work / "tenants.yaml").write_text(MINIMAL)
    if scenario.platform:
        _deploy_platform(tree, stacks)
    env = {
        **_offline(work),
        "PYTHONPATH": str(tree),
        "SAASCTL_ENGINE": f"tests.shared_engine:{scenario.engine}",
        "SAASCTL_TEST_STACKS": str(stacks),
        "SAASCTL_TEST_DELAY": scenario.delay,
        **({"SAASCTL_TEST_PROVIDER": "1"} if scenario.provider else {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "saas_ctl", *scenario.args, "--json"],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout = ""
    if scenario.when == "startup":
        # As soon as saasctl's first line has run (its SIGTERM handler is in), then somewhere in its imports.
        _wait_until(lambda: _handles(process.pid, signal.SIGTERM), 30)
        time.sleep(random.uniform(0.0, 0.2))
    elif scenario.when == "result":
        assert process.stdout is not None
        stdout = process.stdout.readline()  # the document's first line: the result is being printed
    else:
        marker = "outputs saas-platform/dev" if scenario.when == "waiting" else "started up saas-dev-tenants/acme"
        _wait_until(lambda: marker in _log(stacks), 60)
    signalled = False
    for sent in range(scenario.signals):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(scenario.signum)
        if sent == 0:
            # Counted only when the process was still running after the signal was sent: then the signal surely
            # reached it before it ended. A run that is a zombie by then may have ended first (the bench's look and
            # its signal are two steps): which came first cannot be told from outside, so it is not counted.
            signalled = _alive(process.pid)
        time.sleep(0.3)
    if scenario.when == "result":  # what readline buffered is not seen by communicate(): read stdout to its end
        assert process.stdout is not None
        stdout += process.stdout.read()
    try:
        rest, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # one signal did not end it: what a second one would have to
        process.kill()
        rest, stderr = process.communicate()
        stderr += "\n(still running 60 s after its signal: killed by the bench)"
    stdout += rest or ""
    time.sleep(0.2)
    providers = [int(line.split()[2]) for line in _log(stacks).splitlines() if " provider " in line]
    left = sum(1 for pid in providers if _alive(pid))
    for pid in providers:  # whatever the run left, the bench does not
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return Ran(process.returncode, _documents(stdout), left, "Traceback" in stderr, signalled)


def _handles(pid: int, signum: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return True  # ended: nothing to wait for
    caught = next(line for line in status if line.startswith("SigCgt"))
    return bool(int(caught.split()[1], 16) & (1 << (signum - 1)))


def first_line_runs(tree: Path, samples: int) -> float:
    """Median milliseconds from the process's start to saasctl's first line (its SIGTERM handler): a SIGTERM
    before it meets Python's default and ends the process as -15, whatever saasctl does."""
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "saas_ctl", "--version"],
            env={**os.environ, "PYTHONPATH": str(tree)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while not _handles(process.pid, signal.SIGTERM):
            time.sleep(0.0005)
        times.append((time.perf_counter() - started) * 1000)
        process.wait()
    return sorted(times)[len(times) // 2]


def _deploy_platform(tree: Path, stacks: Path) -> None:
    code = (
        "import json, pathlib, sys\n"
        "from infra.outputs import PlatformOutputs\n"
        f"pathlib.Path(sys.argv[1]).joinpath({PLATFORM_OUTPUTS!r}).write_text("
        "json.dumps(PlatformOutputs.placeholder('us-east-1', 'saas-dev').as_dict()))\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(stacks)], cwd=tree, check=True, env={**os.environ, "PYTHONPATH": str(tree)}
    )


def _documents(stdout: str) -> int:
    decoder = json.JSONDecoder()
    text, count, index = stdout.strip(), 0, 0
    while index < len(text):
        try:
            _, end = decoder.raw_decode(text, index)
        except ValueError:
            return count  # anything that is not a document after them: they still count as printed
        count += 1
        index = end
        while index < len(text) and text[index].isspace():
            index += 1
    return count


def _log(stacks: Path) -> str:
    path = stacks / "log"
    return path.read_text() if path.exists() else ""


def _wait_until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the run never reached the point where the signal lands")
        time.sleep(0.05)


PF_EXITING = 0x4  # the kernel's per-task flag once the process is in exit (linux/sched.h): no signal counts then


def _alive(pid: int) -> bool:
    """Running, not ending: neither a zombie nor already in the kernel's exit (after exit() or os._exit(), which
    takes a while on a loaded machine: a signal sent then is ignored by the kernel, proc(5) stat fields 3 and 9)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    state, flags = fields[0], int(fields[6])
    return state != "Z" and not flags & PF_EXITING


def _offline(home: Path) -> dict[str, str]:
    """The tests' machine without AWS credentials, with none of this shell's AWS_ or SAASCTL_ settings either."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.startswith("SAASCTL_")}
    return {**keep, **offline_variables(home)}


# ---- tracebacks


def hostile_inputs(endpoint: str) -> list[tuple[str, tuple[str, ...], dict[str, str]]]:
    live = ("preflight", "--live")
    return [
        ("--endpoint-url without a scheme", (*live, "--endpoint-url", "localhost:5000"), {}),
        ("--endpoint-url with a bad IPv6 literal", (*live, "--endpoint-url", "http://[::1"), {}),
        ("--endpoint-url with a port out of range", (*live, "--endpoint-url", "http://127.0.0.1:99999"), {}),
        ("SAASCTL_AWS_ENDPOINT malformed", live, {"SAASCTL_AWS_ENDPOINT": "ht!tp://x"}),
        ("an endpoint answering HTML", ("preflight", "--endpoint-url", endpoint), {}),
        ("SAASCTL_ROLLOUT_TIMEOUT=10m", ("tenant", "up", "acme", "--yes"), {"SAASCTL_ROLLOUT_TIMEOUT": "10m"}),
        ("SAASCTL_MAX_FILE_BYTES=1e6", ("validate",), {"SAASCTL_MAX_FILE_BYTES": "1e6"}),
        ("SAASCTL_LOCK_TIMEOUT=-1", ("tenant", "remove", "acme", "--no-deploy"), {"SAASCTL_LOCK_TIMEOUT": "-1"}),
    ]


def run_hostile(tree: Path, work: Path, args: tuple[str, ...], variables: dict[str, str]) -> tuple[int, bool]:
    (work / "tenants.yaml").write_text(MINIMAL)
    env = {
        **_offline(work),
        "PYTHONPATH": str(tree),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "SAASCTL_ENGINE": "synth",
        **variables,
    }
    ran = subprocess.run(
        [sys.executable, "-m", "saas_ctl", *args], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    return ran.returncode, "Traceback" in ran.stderr


# ---- data loss (the real engine)


def data_loss(tree: Path) -> str:
    """Runs the real-engine test of the path and reports what the plain destroy deleted of the tenant's data."""
    path = "tests/integration/test_lifecycle.py"
    name = "test_a_plain_destroy_after_a_failed_delete_data_destroy_keeps_the_data_and_says_so"
    test = f"{path}::{name}"
    if name not in (tree / path).read_text():
        return "no test in this tree"
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", test], cwd=tree, capture_output=True, text=True, timeout=1800
    )
    return "0 data resources deleted (test passed)" if ran.returncode == 0 else "data deleted or test failed"


@dataclass(frozen=True)
class Figures:
    signalled: dict[str, list[Ran]]  # scenario name -> its runs
    hostile: list[tuple[str, int, bool]]  # input, exit code, traceback


def side(tree: Path, runs: int) -> Figures:
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        signalled = {
            scenario.name: [run_signalled(tree, scenario, work) for _ in range(runs)] for scenario in SIGNALLED
        }
        with html_page_endpoint() as endpoint:
            hostile = [
                (name, *run_hostile(tree, work, args, variables)) for name, args, variables in hostile_inputs(endpoint)
            ]
    return Figures(signalled, hostile)


def report(label: str, figures: Figures) -> None:
    print(f"\n== {label}")
    print(f"{'scenario':<58}{'exit 130':>9}{'1 document':>12}{'left running':>14}{'tracebacks':>12}")
    totals = [0, 0, 0, 0, 0]
    for scenario in SIGNALLED:
        every = figures.signalled[scenario.name]
        results = [r for r in every if r.signalled]
        runs = len(results)
        exited = sum(r.code == 130 for r in results)
        documents = sum(r.documents == 1 for r in results)
        left = sum(r.left for r in results)
        tracebacks = sum(r.traceback for r in results)
        codes = sorted({r.code for r in results})
        around = [r.code for r in every if not r.signalled]
        uncounted = f"; {len(around)} ended around the signal, not counted (exits {sorted(around)})" if around else ""
        print(
            f"{scenario.name:<58}{exited:>5}/{runs:<3}{documents:>8}/{runs:<3}{left:>14}{tracebacks:>12}  codes {codes}"
            f"{uncounted}"
        )
        totals = [totals[0] + exited, totals[1] + documents, totals[2] + left, totals[3] + tracebacks, totals[4] + runs]
    print(
        f"{'all signalled runs':<58}{totals[0]:>5}/{totals[4]:<3}{totals[1]:>8}/{totals[4]:<3}{totals[2]:>14}"
        f"{totals[3]:>12}"
    )
    print(f"\n{'hostile input':<58}{'exit':>6}{'traceback':>11}")
    hostile = figures.hostile
    for name, code, traceback in hostile:
        print(f"{name:<58}{code:>6}{'yes' if traceback else 'no':>11}")
    print(f"{'tracebacks':<58}{sum(t for _, _, t in hostile):>17}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of each signalled scenario")
    parser.add_argument("--real", action="store_true", help="also the data-loss path on the real engine (minutes)")
    parser.add_argument("--no-baseline", action="store_true", help="this tree only")
    args = parser.parse_args()
    random.seed(19)
    now = side(REPO, args.runs)
    if not args.no_baseline:
        with checked_out(BASELINE) as tree:
            shutil.copy(REPO / "tests" / "shared_engine.py", tree / "tests" / "shared_engine.py")
            before = side(tree, args.runs)
        report(f"baseline {BASELINE}", before)
    report("now", now)
    print(
        f"\nstart-up before saasctl's first line runs (a SIGTERM there ends any Python program as -15): "
        f"median {first_line_runs(REPO, 15):.0f} ms"
    )
    if args.real:
        print(f"\ndata-loss path (failed --delete-data destroy, then a plain destroy): {data_loss(REPO)}")


if __name__ == "__main__":
    main()
