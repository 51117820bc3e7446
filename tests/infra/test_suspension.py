"""A suspended tenant's stack: no tasks, its hosts answered with the file's page (HTTP 503), its data kept."""

from __future__ import annotations

from pathlib import Path

from saas_ctl.engine.synth.engine import synthesize
from saas_ctl.orchestration.session import Session
from saas_ctl.stacks import targets
from tests.conftest import MINIMAL, spec_of
from tests.fakes import MemoryEngine
from tests.infra.conftest import one, synth_tenant

SUSPENDED = MINIMAL.replace("    priority: 10\n", "    priority: 10\n    suspended: true\n")


def test_a_suspended_tenants_rule_answers_503_with_the_default_page() -> None:
    rule = one(synth_tenant(SUSPENDED, "acme"), "aws:lb/listenerRule:ListenerRule").inputs
    [action] = rule["actions"]
    assert action["type"] == "fixed-response"
    assert (action["fixedResponse"]["statusCode"], action["fixedResponse"]["contentType"]) == ("503", "text/html")
    assert "This service is suspended" in action["fixedResponse"]["messageBody"]


def test_the_suspended_page_comes_from_the_file() -> None:
    text = SUSPENDED.replace(
        "defaults:\n", "defaults:\n  suspended_page: {content_type: text/plain, body: 'Paused, call us'}\n"
    )
    [action] = one(synth_tenant(text, "acme"), "aws:lb/listenerRule:ListenerRule").inputs["actions"]
    page = {"contentType": "text/plain", "messageBody": "Paused, call us", "statusCode": "503"}
    assert action["fixedResponse"] == page


def test_a_suspended_service_runs_no_tasks_and_scaling_cannot_start_any() -> None:
    synthesis = synth_tenant(SUSPENDED, "acme")
    service = one(synthesis, "aws:ecs/service:Service")
    target = one(synthesis, "aws:appautoscaling/target:Target").inputs
    assert (service.inputs["desiredCount"], service.options.get("ignoreChanges") or []) == (0.0, [])
    assert (target["minCapacity"], target["maxCapacity"]) == (0.0, 0.0)


def test_a_suspended_tenant_keeps_every_resource_it_had() -> None:
    running = {(r.type, r.name) for r in synth_tenant(MINIMAL, "acme").resources}
    assert {(r.type, r.name) for r in synth_tenant(SUSPENDED, "acme").resources} == running


def test_a_running_tenant_forwards_and_leaves_its_desired_count_to_autoscaling() -> None:
    synthesis = synth_tenant(MINIMAL, "acme")
    [action] = one(synthesis, "aws:lb/listenerRule:ListenerRule").inputs["actions"]
    assert action["type"] == "forward"
    assert one(synthesis, "aws:ecs/service:Service").options["ignoreChanges"] == ["desiredCount"]


def test_the_deploy_that_resumes_a_tenant_sets_its_desired_count_back() -> None:
    spec = spec_of(MINIMAL)
    synthesis = synthesize(targets.tenant_target(spec, "acme", targets.placeholder_platform(spec), resume=True))
    service = one(synthesis, "aws:ecs/service:Service")
    assert (service.inputs["desiredCount"], service.options.get("ignoreChanges") or []) == (1.0, [])


def test_a_resumed_service_starts_a_new_deployment_for_the_deploy_to_wait_for() -> None:
    spec = spec_of(MINIMAL)
    session = Session(MemoryEngine(), Path("t.yaml"))
    platform = targets.placeholder_platform(spec)
    [resumed] = targets.tenants_for(session, spec, ["acme"], platform, resuming={"acme"})
    service = one(synthesize(resumed), "aws:ecs/service:Service").inputs
    assert service["forceNewDeployment"] is True and service["triggers"]["redeploy"]
    [running] = targets.tenants_for(session, spec, ["acme"], platform)
    assert "forceNewDeployment" not in one(synthesize(running), "aws:ecs/service:Service").inputs


def test_a_releases_health_gate_passes_a_suspended_tenant_it_cannot_check() -> None:
    from saas_ctl.releases.gate import Gate

    gate = Gate(ecs=object(), elbv2=object(), cluster="saas-dev")  # any read would fail on these
    assert gate.problem({"suspended": True, "service_name": "saas-acme-dev"}) is None
