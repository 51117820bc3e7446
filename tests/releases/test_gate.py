"""The release's health gate against a moto server (ECS services, target health) and a tiny local HTTP server
(the check path), and the bake's looks with time injected."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from saas_ctl.releases.gate import Gate, bake, http_problem, targets_problem
from tests.moto_server import client, ecs_service

TASK = "arn:aws:ecs:us-east-1:123456789012:task-definition/saas-acme-dev:1"


def target_group(url: str, targets: list[str]) -> str:
    ec2: Any = client(url, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    elbv2: Any = client(url, "elbv2")
    group = elbv2.create_target_group(Name="saas-acme-dev-80", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")
    arn = str(group["TargetGroups"][0]["TargetGroupArn"])
    if targets:
        elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": target, "Port": 80} for target in targets])
    return arn


def instance(url: str) -> str:
    ec2: Any = client(url, "ec2")
    return str(ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"])


def stop(url: str, instance: str) -> None:
    """A registered instance stopped: moto reports its target unused, not healthy."""
    ec2: Any = client(url, "ec2")
    ec2.stop_instances(InstanceIds=[instance])


def test_targets_all_healthy_pass(moto: str) -> None:
    arn = target_group(moto, ["10.0.1.5", "10.0.1.6"])
    assert targets_problem(client(moto, "elbv2"), arn) is None


def test_a_target_group_with_no_target_fails(moto: str) -> None:
    arn = target_group(moto, [])
    assert targets_problem(client(moto, "elbv2"), arn) == (
        "no target is registered in its target group (no task is serving)"
    )


def test_a_target_that_is_not_healthy_fails_naming_it_and_its_state(moto: str) -> None:
    stopped = instance(moto)
    arn = target_group(moto, ["10.0.1.5", stopped])
    stop(moto, stopped)
    assert targets_problem(client(moto, "elbv2"), arn) == (
        f"1 of 2 targets not healthy (target {stopped}: unused: Target is in the stopped state)"
    )


def test_a_rollout_still_in_progress_fails_the_gate(moto: str) -> None:
    ecs_service(moto)  # moto's deployment stays IN_PROGRESS: no task runs
    gate = Gate(client(moto, "ecs"), client(moto, "elbv2"), "saas-dev")
    outputs = {"service_name": "saas-acme-dev", "task_definition_arn": TASK, "target_group_arn": "unused"}
    assert gate.problem(outputs) == "the rollout of service saas-acme-dev has not completed"


def test_without_the_rollout_the_gate_reads_the_targets(moto: str) -> None:
    ecs_service(moto)
    arn = target_group(moto, ["10.0.1.5"])
    gate = Gate(client(moto, "ecs"), client(moto, "elbv2"), "saas-dev", rollout=False)
    assert gate.problem({"service_name": "saas-acme-dev", "task_definition_arn": TASK, "target_group_arn": arn}) is None


class _Site(BaseHTTPRequestHandler):
    """Answers 200 for the host acme.example.com at /health, 503 for any other host or path."""

    def do_GET(self) -> None:
        ok = self.headers.get("Host") == "acme.example.com" and self.path == "/health"
        self.send_response(200 if ok else 503)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_check_path_passes_on_a_2xx_for_the_tenants_host(site: str) -> None:
    assert http_problem(site, "acme.example.com", "/health") is None


def test_the_check_path_fails_on_another_answer_saying_what_was_asked(site: str) -> None:
    assert http_problem(site, "globex.example.com", "/health") == (
        f"GET http://globex.example.com/health through {site} answered 503"
    )


def test_the_check_path_fails_when_nothing_answers() -> None:
    problem = http_problem("127.0.0.1:9", "acme.example.com", "/health", timeout=1)
    assert problem is not None and problem.startswith("GET http://acme.example.com/health through 127.0.0.1:9 failed")


def test_the_gate_sends_the_check_path_to_the_tenants_load_balancer_with_its_host(moto: str, site: str) -> None:
    arn = target_group(moto, ["10.0.1.5"])
    gate = Gate(client(moto, "ecs"), client(moto, "elbv2"), "saas-dev", "/health", rollout=False)
    outputs = {"target_group_arn": arn, "urls": ["http://acme.example.com"], "load_balancer_dns_name": site}
    assert gate.problem(outputs) is None
    assert gate.problem({**outputs, "urls": ["http://globex.example.com"]}) == (
        f"GET http://globex.example.com/health through {site} answered 503"
    )


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


class _Turns(Gate):
    """A gate whose tenants turn unhealthy at a given look."""

    def __init__(self, bad_from: int | None) -> None:
        super().__init__(object(), object(), "saas-dev")
        object.__setattr__(self, "looks", [])
        object.__setattr__(self, "bad_from", bad_from)

    def problem(self, outputs: Any) -> str | None:
        self.looks.append(outputs)  # type: ignore[attr-defined]
        bad_from = self.bad_from  # type: ignore[attr-defined]
        return "unhealthy" if bad_from is not None and len(self.looks) >= bad_from else None  # type: ignore[attr-defined]


def test_a_bake_looks_every_poll_until_its_time_has_passed() -> None:
    clock = _Clock()
    found = bake(_Turns(None), {"acme": {}}, 25, clock.wait, lambda: False, lambda: clock.now, poll=10)
    assert (found, clock.waits) == ({}, [10, 10, 5])


def test_a_tenant_turning_unhealthy_during_the_bake_fails_it() -> None:
    clock = _Clock()
    found = bake(_Turns(2), {"acme": {}}, 25, clock.wait, lambda: False, lambda: clock.now, poll=10)
    assert (found, clock.waits) == ({"acme": "unhealthy"}, [10])


def test_a_gate_with_nothing_to_read_waits_the_bake_out_at_once() -> None:
    clock = _Clock()
    found = bake(Gate(None, None, "saas-dev"), {"acme": {}}, 25, clock.wait, lambda: False, lambda: clock.now)
    assert (found, clock.waits) == ({}, [25])
