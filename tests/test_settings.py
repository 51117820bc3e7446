"""saasctl's environment variables: flag > environment > default, and an invalid value is one line naming the
variable, the value and what is valid (exit 2), never a traceback and never silently the default."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl import settings
from saas_ctl.cli.main import app
from saas_ctl.errors import UsageError
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import deployed_platform

ROLLOUT_VALID = "a number of seconds, 0 or more (default 600; 0 turns the wait off), such as 900"
MAX_BYTES_VALID = "a whole number of bytes, 1 or more (default 10485760, 10 MiB)"


@pytest.fixture
def spec(write_spec: Callable[[str], Path]) -> Path:
    return write_spec(MINIMAL)


def test_a_rollout_timeout_given_as_a_duration_stops_the_deploy_before_anything_runs(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed_platform(engine)
    monkeypatch.setenv("SAASCTL_ROLLOUT_TIMEOUT", "10m")
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(spec)])
    assert result.exit_code == 2
    assert result.stderr == f"error: SAASCTL_ROLLOUT_TIMEOUT='10m' is not valid: {ROLLOUT_VALID}\n"
    assert engine.calls == []


def test_an_invalid_rollout_timeout_under_json_is_one_json_error(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAASCTL_ROLLOUT_TIMEOUT", "-5")
    result = runner.invoke(app, ["apply", "-f", str(spec), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "error": f"SAASCTL_ROLLOUT_TIMEOUT='-5' is not valid: {ROLLOUT_VALID}",
        "hint": None,
    }


def test_a_command_that_only_looks_does_not_read_what_only_deploys_read(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAASCTL_ROLLOUT_TIMEOUT", "10m")
    result = runner.invoke(app, ["tenant", "list", "-f", str(spec), "--json"])
    assert result.exit_code == 0, result.stderr
    assert [t["state"] for t in json.loads(result.stdout)["tenants"]] == ["not deployed"]


def test_an_invalid_largest_file_size_is_refused_not_ignored(
    runner: CliRunner, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAASCTL_MAX_FILE_BYTES", "10MiB")
    result = runner.invoke(app, ["validate", "-f", str(spec)])
    assert result.exit_code == 2
    assert result.stderr == f"error: SAASCTL_MAX_FILE_BYTES='10MiB' is not valid: {MAX_BYTES_VALID}\n"


def test_a_largest_file_size_of_zero_is_refused(runner: CliRunner, spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAASCTL_MAX_FILE_BYTES", "0")
    result = runner.invoke(app, ["validate", "-f", str(spec)])
    assert result.exit_code == 2
    assert result.stderr == f"error: SAASCTL_MAX_FILE_BYTES='0' is not valid: {MAX_BYTES_VALID}\n"


def test_an_unset_or_empty_variable_is_its_default() -> None:
    assert settings.ROLLOUT_TIMEOUT.value({}) == 600.0
    assert settings.ROLLOUT_TIMEOUT.value({"SAASCTL_ROLLOUT_TIMEOUT": "  "}) == 600.0
    assert settings.MAX_FILE_BYTES.value({"SAASCTL_MAX_FILE_BYTES": ""}) == 10 * 1024 * 1024


def test_a_valid_value_is_parsed() -> None:
    assert settings.ROLLOUT_TIMEOUT.value({"SAASCTL_ROLLOUT_TIMEOUT": "0"}) == 0.0
    assert settings.ROLLOUT_TIMEOUT.value({"SAASCTL_ROLLOUT_TIMEOUT": "90.5"}) == 90.5
    assert settings.MAX_FILE_BYTES.value({"SAASCTL_MAX_FILE_BYTES": "2048"}) == 2048
    assert settings.ENGINE.value({"SAASCTL_ENGINE": " synth "}) == "synth"


@pytest.mark.parametrize("value", ["inf", "nan", "1e999", "ten"])
def test_a_rollout_timeout_that_is_not_a_finite_number_of_seconds_is_invalid(value: str) -> None:
    with pytest.raises(UsageError) as raised:
        settings.ROLLOUT_TIMEOUT.value({"SAASCTL_ROLLOUT_TIMEOUT": value})
    assert raised.value.message == f"SAASCTL_ROLLOUT_TIMEOUT={value!r} is not valid: {ROLLOUT_VALID}"


def test_the_flag_wins_over_the_variable_which_wins_over_the_default(
    runner: CliRunner, write_spec: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flagged = write_spec(MINIMAL, "flagged.yaml")
    from_environment = write_spec(MINIMAL.replace("acme", "globex"), "environment.yaml")
    monkeypatch.chdir(tmp_path)  # no ./tenants.yaml: the default would fail
    monkeypatch.setenv("SAASCTL_FILE", str(from_environment))
    listed = runner.invoke(app, ["tenant", "list", "--declared", "--json", "-f", str(flagged)])
    assert [t["name"] for t in json.loads(listed.stdout)["tenants"]] == ["acme"]
    listed = runner.invoke(app, ["tenant", "list", "--declared", "--json"])
    assert [t["name"] for t in json.loads(listed.stdout)["tenants"]] == ["globex"]
    monkeypatch.delenv("SAASCTL_FILE")
    assert runner.invoke(app, ["tenant", "list", "--declared"]).exit_code == 2


def test_every_variable_the_help_pages_list_is_named_once_in_settings() -> None:
    from saas_ctl.cli.help_text import ENVIRONMENT

    named = {v.name: v.meaning for v in vars(settings).values() if isinstance(v, settings.Variable)}
    assert {name: named[name] for name in ENVIRONMENT} == ENVIRONMENT
