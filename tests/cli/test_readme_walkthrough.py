"""README's emulator walkthrough, every command in its order, each exiting 0: the real app in-process with the
in-memory engine plugged in (SAASCTL_ENGINE=tests.fakes:emulator_engine) and the moto server `saasctl local
start` runs, so it runs wherever the suite does, without the Pulumi CLI. tests/integration/test_end_to_end.py runs
the same lines on the real engine and checks what each made."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from tests import fakes
from tests.conftest import EXAMPLE
from tests.readme import INSTALL_PULUMI, PROTECTION_OFF, walkthrough


@pytest.fixture
def workdir(tmp_path: Path, offline: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAASCTL_ENGINE", "tests.fakes:emulator_engine")
    (tmp_path / "tenants.yaml").write_text(EXAMPLE.read_text())
    fakes.reset_emulator_engine()
    yield tmp_path
    state = tmp_path / ".saasctl" / "local.json"
    if state.exists():  # the test failed before `local stop`: stop the emulator it started
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(json.loads(state.read_text())["pid"]), signal.SIGTERM)


def test_every_command_of_the_walkthrough_exits_0_in_its_order(
    workdir: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[tuple[str, int]] = []
    for line in walkthrough():
        if line.startswith("export "):
            name, value = line.removeprefix("export ").split("=", 1)
            monkeypatch.setenv(name, value)
        elif line.startswith("pip install"):
            assert "'.[local]'" in line  # the extra that brings moto's server
        elif line == INSTALL_PULUMI:
            pass  # the plugged engine needs no Pulumi CLI; the download is not this test's to make
        elif line == PROTECTION_OFF:
            spec = workdir / "tenants.yaml"
            spec.write_text(spec.read_text().replace("deletion_protection: true", "deletion_protection: false"))
        elif line.startswith("saasctl "):
            result = runner.invoke(app, shlex.split(line)[1:])
            assert result.exit_code == 0, f"`{line}` exited {result.exit_code}:\n{result.stderr}"
            ran.append((line, result.exit_code))
        else:
            pytest.fail(f"README's walkthrough has a line this test cannot run: {line!r}")
    assert [line for line, _ in ran][:2] == ["saasctl local start", "saasctl platform up --local"]
    assert ran[-1] == ("saasctl local stop", 0)
    assert not (workdir / ".saasctl" / "local.json").exists()
    assert {project: stacks for project, stacks in fakes.EMULATOR_ENGINE.stacks.items() if stacks} == {}
