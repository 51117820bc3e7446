"""Live views: every deployed tenant read at once, a failure staying its own tenant's."""

from __future__ import annotations

import threading
from typing import Any

import boto3

from saas_ctl.aws.live import Clients, fleet_status, health, tasks
from saas_ctl.errors import SaasctlError
from tests.moto_server import ecs_service


def clients(url: str) -> Clients:
    return Clients.of(boto3.Session(), "us-east-1", url)


def test_tenants_are_read_at_the_same_time(moto_env: str) -> None:
    ecs_service(moto_env)
    # Each read waits for the other to start: read one after the other, neither would get past the barrier.
    both = threading.Barrier(2, timeout=30)

    def outputs_of(name: str) -> dict[str, Any]:
        both.wait()
        return {"service_name": "saas-acme-dev"}

    seen = fleet_status(clients(moto_env), "saas-dev", ["acme", "globex"], outputs_of, parallel=2)
    assert [tasks(seen[name]) for name in ("acme", "globex")] == [("0", "1"), ("0", "1")]


def test_a_tenant_whose_stack_cannot_be_read_fails_alone(moto_env: str) -> None:
    ecs_service(moto_env)

    def outputs_of(name: str) -> dict[str, Any]:
        if name == "globex":
            raise SaasctlError("the engine failed in outputs of saas-dev-tenants/globex: locked")
        return {"service_name": "saas-acme-dev"}

    seen = fleet_status(clients(moto_env), "saas-dev", ["acme", "globex"], outputs_of, parallel=2)
    assert tasks(seen["acme"]) == ("0", "1")
    assert seen["globex"] == {"error": "the engine failed in outputs of saas-dev-tenants/globex: locked"}
    assert tasks(seen["globex"]) == ("?", "?")


def test_health_counts_targets_by_state() -> None:
    targets = [{"state": "healthy"}, {"state": "unhealthy"}, {"state": "healthy"}]
    assert health({"service": None, "targets": targets}) == "2 healthy, 1 unhealthy"
    assert health({"service": None, "targets": []}) == "no targets"
    assert health(None) == "-"
