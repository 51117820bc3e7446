"""Quotas per resource a growing fleet meets (rules per security group, targets per ALB, IAM roles per account,
database connections), offline; and a fleet past 60 tenants that adds no rule per tenant to a shared group."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.engine.synth.engine import synthesize
from saas_ctl.preflight import fleet_limits
from saas_ctl.preflight.findings import Finding, Severity
from saas_ctl.stacks import targets
from tests.conftest import fleet_yaml, spec_of

RULE_TYPES = (
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)


def findings(text: str, code: str) -> list[Finding]:
    return [f for f in fleet_limits.check(spec_of(text)) if f.code == code]


@pytest.mark.usefixtures("offline")
def test_150_tenants_in_two_cells_pass_preflight_and_plan(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(fleet_yaml(150, tenants_per_cell=75))
    checked = runner.invoke(app, ["preflight", "-f", str(path), "--json"])
    assert checked.exit_code == 0, checked.stderr
    assert [f for f in json.loads(checked.stdout)["findings"] if f["severity"] == "error"] == []
    planned = runner.invoke(app, ["plan", "-f", str(path), "--json"])
    assert planned.exit_code == 0, planned.stderr
    assert len(json.loads(planned.stdout)["stacks"]) == 151


def test_150_tenants_add_no_rule_to_any_platform_security_group() -> None:
    spec = spec_of(fleet_yaml(150, tenants_per_cell=75))
    platform = targets.placeholder_platform(spec)
    shared = {platform.alb_security_group_id, platform.service_security_group_id}
    # The first, the 61st, either side of the cells' border and the last: every tenant program is the same shape.
    for name in ("t0001", "t0061", "t0075", "t0076", "t0150"):
        synthesis = synthesize(targets.tenant_target(spec, name, platform))
        groups = {r.inputs["securityGroupId"] for r in synthesis.resources if r.type in RULE_TYPES}
        assert len(groups) == 1 and not groups & shared, (name, groups)


def test_a_declared_rules_quota_below_what_a_group_holds_is_refused() -> None:
    [found] = findings(fleet_yaml(3, platform="quotas: {rules_per_security_group: 3}"), "FLEET-SECURITY-GROUP-RULES")
    assert (found.severity, found.path, found.message) == (
        Severity.ERROR,
        ("platform", "quotas", "rules_per_security_group"),
        "the alb security group holds 4 ingress rules; Inbound or outbound rules per security group is 3 "
        "(platform.quotas.rules_per_security_group)",
    )
    assert found.fix is not None and "vpc L-0EA8095F" in found.fix


def test_rules_per_group_do_not_grow_with_the_fleet() -> None:
    assert findings(fleet_yaml(1000, platform="quotas: {iam_roles: 5000}"), "FLEET-SECURITY-GROUP-RULES") == []


def test_targets_of_a_cell_over_the_quota_are_refused() -> None:
    text = fleet_yaml(
        10, defaults="autoscaling: {min: 1, max: 20}", platform="quotas: {targets_per_load_balancer: 150}"
    )
    [found] = findings(text, "FLEET-TARGETS-PER-ALB")
    assert (found.severity, found.message) == (
        Severity.ERROR,
        "at every tenant's autoscaling maximum cell 1 registers 200 targets (one per task) with its ALB; Targets "
        "per Application Load Balancer is 150 (platform.quotas.targets_per_load_balancer)",
    )


def test_targets_that_fit_only_outside_a_rollout_are_a_warning() -> None:
    [found] = findings(fleet_yaml(60, defaults="autoscaling: {min: 1, max: 10}"), "FLEET-TARGETS-PER-ALB")
    assert found.severity == Severity.WARNING and "up to 1200 while services roll out" in found.message


def test_two_roles_per_tenant_over_the_account_quota_are_refused() -> None:
    [found] = findings(fleet_yaml(501), "FLEET-IAM-ROLES")
    assert found.message == (
        "501 tenants need 1002 IAM roles (2 each); Roles per account is 1000 (AWS's default), counted across "
        "every environment and region of the account, so 500 tenants fit"
    )


def test_connections_past_the_writers_default_max_connections_are_a_warning() -> None:
    text = fleet_yaml(50, defaults="autoscaling: {min: 1, max: 4}").replace(
        '    engine_version: "15.8"', '    engine_version: "15.8"\n    connections_per_task: 10'
    )
    [found] = findings(text, "FLEET-DATABASE-CONNECTIONS")
    assert found.message.startswith(
        "at every tenant's autoscaling maximum 200 tasks hold 10 connections each, 2000 in all; the writer "
        "(db.r6g.large) allows about 1802 by default"
    )


def test_without_a_declared_pool_size_connections_are_not_counted() -> None:
    assert findings(fleet_yaml(500, platform="quotas: {iam_roles: 5000}"), "FLEET-DATABASE-CONNECTIONS") == []


@pytest.mark.parametrize(
    ("instance_class", "connections"),
    [("db.t4g.medium", 450), ("db.r6g.large", 1802), ("db.r6g.2xlarge", 5000), ("db.serverless", None)],
)
def test_max_connections_follow_the_classes_memory(instance_class: str, connections: int | None) -> None:
    assert fleet_limits.max_connections(instance_class) == connections
