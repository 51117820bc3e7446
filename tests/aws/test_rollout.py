"""Waiting for a tenant's ECS rollout: answers shaped by botocore's own model (Stubber), and a real moto server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from saas_ctl.aws.rollout import Outcome, wait_for_rollout
from saas_ctl.cli.main import app
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import deployed_platform
from tests.moto_server import REGION, client, ecs_service

NEW = "arn:aws:ecs:us-east-1:123456789012:task-definition/saas-acme-dev:2"
OLD = "arn:aws:ecs:us-east-1:123456789012:task-definition/saas-acme-dev:1"
CIRCUIT_BREAKER = "ECS deployment circuit breaker: tasks failed to start."
EVENT = "(service saas-acme-dev) (task 1234) failed container health checks."


def deployment(task: str, state: str, status: str = "PRIMARY", reason: str = "") -> dict[str, Any]:
    return {
        "id": f"ecs-svc/{task[-1]}",
        "status": status,
        "taskDefinition": task,
        "rolloutState": state,
        "rolloutStateReason": reason,
    }


def answer(*deployments: dict[str, Any]) -> dict[str, Any]:
    return {
        "services": [
            {
                "serviceName": "saas-acme-dev",
                "deployments": list(deployments),
                "events": [{"id": "e1", "message": EVENT}],
                "runningCount": 0,
                "desiredCount": 1,
            }
        ]
    }


@pytest.fixture
def ecs() -> Iterator[tuple[Any, Stubber]]:
    stubbed = boto3.client("ecs", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(stubbed) as stubber:
        yield stubbed, stubber


def expect(stubber: Stubber, response: dict[str, Any]) -> None:
    stubber.add_response("describe_services", response, {"cluster": "saas-dev", "services": ["saas-acme-dev"]})


def wait(client_: Any, timeout: float = 60) -> Any:
    return wait_for_rollout(client_, "saas-dev", "saas-acme-dev", NEW, timeout, poll=1, sleep=lambda _: None)


def test_a_completed_rollout_of_the_new_task_definition_is_healthy(ecs: tuple[Any, Stubber]) -> None:
    client_, stubber = ecs
    expect(stubber, answer(deployment(NEW, "IN_PROGRESS"), deployment(OLD, "COMPLETED", "ACTIVE")))
    expect(stubber, answer(deployment(NEW, "COMPLETED")))
    assert wait(client_).outcome is Outcome.COMPLETED


def test_a_failed_rollout_carries_the_circuit_breakers_reason_and_the_last_event(ecs: tuple[Any, Stubber]) -> None:
    client_, stubber = ecs
    expect(stubber, answer(deployment(NEW, "FAILED", reason=CIRCUIT_BREAKER), deployment(OLD, "IN_PROGRESS")))
    result = wait(client_)
    assert (result.outcome, result.reason, result.events) == (Outcome.FAILED, CIRCUIT_BREAKER, [EVENT])
    assert result.describe("saas-acme-dev", "/saasctl/saas-dev/acme", "acme") == (
        f"service saas-acme-dev failed: {CIRCUIT_BREAKER} (last ECS event: {EVENT}); the tasks' logs: "
        "`saasctl tenant logs acme`, or log group /saasctl/saas-dev/acme"
    )


def test_a_rollback_to_the_previous_task_definition_is_not_healthy(ecs: tuple[Any, Stubber]) -> None:
    client_, stubber = ecs
    expect(stubber, answer(deployment(OLD, "COMPLETED")))
    result = wait(client_)
    assert (result.outcome, result.reason) == (
        Outcome.ROLLED_BACK,
        f"the service's primary deployment runs {OLD}, not {NEW}",
    )


def test_a_rollback_carries_the_reason_ecs_gave_our_deployment(ecs: tuple[Any, Stubber]) -> None:
    client_, stubber = ecs
    expect(stubber, answer(deployment(OLD, "IN_PROGRESS"), deployment(NEW, "FAILED", "ACTIVE", CIRCUIT_BREAKER)))
    assert wait(client_).reason == CIRCUIT_BREAKER


def test_the_wait_follows_the_primary_deployment_when_an_earlier_one_ran_the_same_task_definition(
    ecs: tuple[Any, Stubber],
) -> None:
    # A forced new deployment (tenant up --redeploy) runs the task definition the deployment it replaces ran, and
    # that one is already COMPLETED: only the PRIMARY one says how the new tasks fare.
    client_, stubber = ecs
    earlier = {**deployment(NEW, "COMPLETED", "ACTIVE"), "id": "ecs-svc/earlier"}
    expect(stubber, answer(earlier, deployment(NEW, "IN_PROGRESS")))
    expect(stubber, answer(earlier, deployment(NEW, "FAILED", reason=CIRCUIT_BREAKER)))
    result = wait(client_)
    assert (result.outcome, result.reason) == (Outcome.FAILED, CIRCUIT_BREAKER)


def test_a_cancelled_command_ends_the_wait_as_cancelled(ecs: tuple[Any, Stubber]) -> None:
    client_, stubber = ecs
    expect(stubber, answer(deployment(NEW, "IN_PROGRESS")))
    waits: list[float] = []
    result = wait_for_rollout(
        client_, "saas-dev", "saas-acme-dev", NEW, 600, poll=10, sleep=waits.append, cancelled=lambda: bool(waits)
    )
    assert (result.outcome, waits) == (Outcome.CANCELLED, [10])
    assert result.reason == "the command was interrupted while it waited for the rollout"


def test_a_service_ecs_does_not_know_fails(ecs: tuple[Any, Stubber]) -> None:
    client_, stubber = ecs
    expect(stubber, {"services": [], "failures": [{"arn": "x", "reason": "MISSING"}]})
    result = wait(client_)
    assert (result.outcome, result.reason) == (Outcome.FAILED, "ECS does not know the service (MISSING)")


def test_a_rollout_still_in_progress_at_the_deadline_times_out_against_moto(moto: str) -> None:
    ecs: Any = client(moto, "ecs")
    ecs.create_cluster(clusterName="saas-dev")
    arn = ecs.register_task_definition(
        family="saas-acme-dev", containerDefinitions=[{"name": "app", "image": "x", "memory": 512}]
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="saas-dev", serviceName="saas-acme-dev", taskDefinition="saas-acme-dev", desiredCount=1)
    result = wait_for_rollout(ecs, "saas-dev", "saas-acme-dev", arn, timeout=0)
    assert result.outcome is Outcome.TIMED_OUT
    assert result.reason == f"the deployment of {arn} was still in progress after 0 s (running 0 of 1 tasks)"


def test_tenant_up_fails_the_tenant_whose_service_never_becomes_healthy(
    runner: CliRunner,
    engine: fakes.MemoryEngine,
    moto_env: str,
    monkeypatch: pytest.MonkeyPatch,
    write_spec: Any,
) -> None:
    ecs_service(moto_env)
    monkeypatch.setenv("SAASCTL_ROLLOUT_TIMEOUT", "0.1")
    deployed_platform(engine)
    path: Path = write_spec(MINIMAL)
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", str(path), "--json"])
    assert result.exit_code == 1, result.stderr
    [acme] = json.loads(result.stdout)["results"]
    assert (acme["status"], acme["error_kind"]) == ("failed", "unhealthy")
    assert acme["error"].startswith("saas-dev-tenants/acme: service saas-acme-dev timed out: the deployment of ")
    assert acme["error"].endswith(
        f"; the tasks' logs: `saasctl tenant logs acme -f {path}`, or log group /saasctl/saas-dev/acme"
    )
    assert json.loads(result.stdout)["retry"].startswith("saasctl tenant up acme -f ")
