"""`saasctl local start|status|stop`: a real moto server in the background."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app


def test_local_emulator_starts_answers_and_stops(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    started = json.loads(runner.invoke(app, ["local", "start", "--json"]).stdout)
    try:
        assert started["url"].startswith("http://127.0.0.1:")
        urllib.request.urlopen(f"{started['url']}/moto-api/", timeout=5)
        status = json.loads(runner.invoke(app, ["local", "status", "--json"]).stdout)
        assert status == {"running": True, "url": started["url"]}
    finally:
        stopped = runner.invoke(app, ["local", "stop", "--json"])
    assert json.loads(stopped.stdout) == {"stopped": True}
    result = runner.invoke(app, ["local", "status"])
    assert (result.exit_code, result.stderr) == (1, "not running\n")


def test_local_flag_without_a_running_emulator_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tenants.yaml").write_text((Path(__file__).parents[2] / "tenants.yaml").read_text())
    result = runner.invoke(app, ["platform", "preview", "--local"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --local needs the local emulator, which is not running\nhint: run `saasctl local start`\n"
    )
