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


@pytest.mark.parametrize(("setting", "running"), [(None, 1), ("3", 3)])
def test_the_emulators_ecs_services_report_running_tasks_so_a_rollout_completes(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None, running: int
) -> None:
    """moto runs no task: a service's running count is the server's MOTO_ECS_SERVICE_RUNNING, which `local start`
    sets to 1 unless the environment says otherwise; a rollout is COMPLETED once it reaches the desired count."""
    import boto3

    monkeypatch.chdir(tmp_path)
    if setting is None:
        monkeypatch.delenv("MOTO_ECS_SERVICE_RUNNING", raising=False)
    else:
        monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", setting)
    url = json.loads(runner.invoke(app, ["local", "start", "--json"]).stdout)["url"]
    try:
        ecs = boto3.client(
            "ecs", region_name="us-east-1", endpoint_url=url, aws_access_key_id="x", aws_secret_access_key="x"
        )
        ecs.create_cluster(clusterName="c")
        ecs.register_task_definition(family="t", containerDefinitions=[{"name": "app", "image": "x", "memory": 512}])
        service = ecs.create_service(cluster="c", serviceName="s", taskDefinition="t", desiredCount=1)["service"]
    finally:
        runner.invoke(app, ["local", "stop"])
    assert (service["runningCount"], service["deployments"][0]["rolloutState"]) == (running, "COMPLETED")
