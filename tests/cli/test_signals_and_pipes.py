"""Signals and a closed stdout, on the real CLI in a subprocess: every command ends with 130 when interrupted,
nothing hangs, and a reader that goes away never turns a result into a failure."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.specgen import spec_text
from saas_ctl import __version__
from tests.conftest import REPO


def saasctl(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "saas_ctl", *args],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        bufsize=0,  # unbuffered: _wait_for_line reads no further than the line it waits for
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "tenants.yaml"
    path.write_text(spec_text(20000))  # seconds of validation: a signal lands while it runs
    return path


@pytest.fixture(scope="module")
def hundred(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hundred") / "tenants.yaml"
    path.write_text(spec_text(100))
    return path


def _wait_for_line(process: subprocess.Popen[bytes], marker: str, timeout: float = 60) -> list[str]:
    """Read the process's stderr until a line contains marker (the point where a signal must land); the lines
    read are returned for the assertions, since communicate() sees only what follows them."""
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        ready, _, _ = select.select([process.stderr], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no {marker!r} within {timeout} s: {''.join(lines)}"
        line = process.stderr.readline().decode()
        assert line, f"the process ended before printing {marker!r}: {''.join(lines)}"
        lines.append(line)
        if marker in line:
            return lines


def _wait_until_it_handles(process: subprocess.Popen[bytes], signum: int) -> None:
    """Wait until the process has installed its handler for signum (Linux's SigCgt mask), so the signal meets
    saasctl's handler rather than Python's default, whatever the machine's start-up time."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        caught = next(
            line for line in Path(f"/proc/{process.pid}/status").read_text().splitlines() if line.startswith("SigCgt")
        )
        if int(caught.split()[1], 16) & (1 << (signum - 1)):
            return
        time.sleep(0.01)
    raise AssertionError(f"the process did not handle signal {signum} within 30 s")


def _signal_at(process: subprocess.Popen[bytes], signum: int, marker: str) -> tuple[int, str]:
    before = _wait_for_line(process, marker)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    return process.returncode, "".join(before) + stderr.decode()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_plan_interrupted_mid_synthesis_exits_130_without_hanging(hundred: Path, signum: int) -> None:
    code, stderr = _signal_at(saasctl("plan", "-f", str(hundred)), signum, "synthesised 10 of 101 stacks")
    assert code == 130, stderr
    assert "error: plan interrupted after " in stderr


def test_a_second_interrupt_of_plan_exits_at_once(hundred: Path) -> None:
    process = saasctl("plan", "-f", str(hundred))
    _wait_for_line(process, "synthesised 10 of 101 stacks")
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGINT)
    started = time.monotonic()
    process.communicate(timeout=30)
    assert (process.returncode, time.monotonic() - started < 1.0) == (130, True)


def test_sigterm_outside_stack_operations_exits_130(large: Path) -> None:
    process = saasctl("validate", "-f", str(large))
    # The signal lands as soon as saasctl handles it: while Typer builds the command, parses the line or the
    # file is validated, whichever the machine has reached. Each ends the same way.
    _wait_until_it_handles(process, signal.SIGTERM)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr


def test_a_closed_stdout_does_not_turn_success_into_failure(large: Path) -> None:
    process = saasctl("validate", "--json", "-f", str(large))
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (0, b"")


def test_a_second_interrupt_of_apply_exits_at_once_while_operations_ignore_the_cancel(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tenants.yaml"
    path.write_text(spec_text(3))
    process = subprocess.Popen(
        [sys.executable, "-m", "saas_ctl", "apply", "-f", str(path), "--skip-preflight"],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        bufsize=0,  # unbuffered: _wait_for_line reads no further than the line it waits for
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "SAASCTL_ENGINE": "tests.fakes:stubborn_engine", "PYTHONPATH": str(REPO)},
    )
    _wait_for_line(process, "platform dev: running")  # the platform's endless operation
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    started = time.monotonic()
    process.communicate(timeout=30)
    assert (process.returncode, time.monotonic() - started < 1.0) == (130, True)


def test_an_interrupt_while_typer_builds_the_command_exits_130_without_a_trace(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The window the subprocess test above reaches only sometimes: before Typer's own handling begins.
    from saas_ctl.cli import main as entry

    def building_the_command() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(entry, "app", building_the_command)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as ended:
            entry.main()
    except KeyboardInterrupt:
        pytest.fail("the interrupt escaped main() (a traceback and exit -2 for the user)")
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})  # main() holds them to the end
    assert (ended.value.code, capsys.readouterr().err) == (130, "")


@pytest.mark.parametrize(
    "args", [("schema",), ("schema", "--json"), ("platform", "outputs"), ("platform", "outputs", "--json")]
)
def test_schema_and_platform_outputs_exit_0_when_stdout_closes(tmp_path: Path, args: tuple[str, ...]) -> None:
    from tests.conftest import MINIMAL, offline_environment

    (tmp_path / "tenants.yaml").write_text(MINIMAL)
    process = subprocess.Popen(
        [sys.executable, "-m", "saas_ctl", *args],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            **offline_environment(tmp_path),
            "PYTHONPATH": str(REPO),
            "SAASCTL_ENGINE": "tests.fakes:deployed_engine",
        },
    )
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (0, b"")


def test_a_signal_whose_handler_runs_as_the_command_ends_exits_130_without_a_trace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A signal that came just before the signals are held raises its KeyboardInterrupt as they are held (CPython
    # runs the pending handler there): it escaped main() as a traceback and an exit by SIGINT (-2).
    from saas_ctl.cli import main as entry

    leavings: list[object] = []
    hold = entry._leaving

    def held_as_a_signal_comes(code: object) -> object:
        leavings.append(code)
        if len(leavings) == 1:
            raise KeyboardInterrupt
        return hold(code)

    monkeypatch.setattr(entry, "app", lambda: sys.exit(0))
    monkeypatch.setattr(entry, "_leaving", held_as_a_signal_comes)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        code = entry.run_command_line()
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    assert (code, leavings) == (130, [0, 130])


def test_a_sigterm_that_comes_while_the_process_ends_exits_130() -> None:
    # The window that no last look from an exit handler can close: a handler registered before saasctl's own
    # (so run after it) sends the signal, as a SIGTERM that lands during the interpreter's last milliseconds.
    late = (
        "import atexit, os, signal, sys\n"
        "atexit.register(lambda: os.kill(os.getpid(), signal.SIGTERM))\n"
        "sys.argv = ['saasctl', '--version']\n"
        "from saas_ctl.cli.main import main\n"
        "main()\n"
    )
    ran = subprocess.run([sys.executable, "-c", late], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert (ran.returncode, ran.stdout, ran.stderr) == (130, f"saasctl {__version__}\n", "")


def test_a_command_line_that_ends_normally_keeps_its_exit_status_and_output() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "saas_ctl", "validate", "-f", "missing.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 2
    assert "missing.yaml" in ran.stderr
