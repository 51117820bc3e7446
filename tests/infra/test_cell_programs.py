"""Cells in the programs: one ALB per cell, and each tenant routed through its own cell's listener."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from infra.naming import TenantNames
from infra.outputs import CellNotDeployed, PlatformOutputs
from saas_ctl.cli.main import app
from saas_ctl.engine.synth.engine import synthesize
from saas_ctl.stacks import targets
from tests.conftest import fleet_yaml, spec_of
from tests.infra.conftest import of_type, one, synth_platform, synth_tenant

PRE_CELLS = Path(__file__).parent.parent / "fixtures" / "pre_cells"
THREE_CELLS = fleet_yaml(5, tenants_per_cell=2)  # t0001-t0002 in cell 1, t0003-t0004 in 2, t0005 in 3


def test_the_platform_runs_one_load_balancer_per_cell() -> None:
    albs = of_type(synth_platform(THREE_CELLS), "aws:lb/loadBalancer:LoadBalancer")
    assert sorted(r.inputs["name"] for r in albs) == ["saas-dev-alb", "saas-dev-alb-2", "saas-dev-alb-3"]


def test_every_cell_has_its_own_tenant_listener() -> None:
    listeners = of_type(synth_platform(THREE_CELLS), "aws:lb/listener:Listener")
    assert sorted(r.name for r in listeners) == [
        "load-balancer-cell-2-http",
        "load-balancer-cell-3-http",
        "load-balancer-http",
    ]


def test_the_platform_exports_every_cell_with_its_listener_and_dns_name() -> None:
    cells = synth_platform(THREE_CELLS).outputs["cells"]
    assert [c["cell"] for c in cells] == [1, 2, 3]
    assert all(c["listener_arn"] and c["load_balancer_dns_name"] and c["load_balancer_zone_id"] for c in cells)
    assert len({c["listener_arn"] for c in cells}) == 3


def test_cells_set_explicitly_are_created_before_any_tenant_is_in_them() -> None:
    text = fleet_yaml(1, load_balancer="cells: 2")
    albs = of_type(synth_platform(text), "aws:lb/loadBalancer:LoadBalancer")
    assert len(albs) == 2


def test_a_tenant_rule_attaches_to_its_own_cells_listener() -> None:
    rule = one(synth_tenant(THREE_CELLS, "t0003"), "aws:lb/listenerRule:ListenerRule")
    assert rule.inputs["listenerArn"].endswith(":listener/app/saas-dev-alb-2/0/0")


def test_a_tenant_in_cell_1_attaches_to_the_first_load_balancer() -> None:
    rule = one(synth_tenant(THREE_CELLS, "t0001"), "aws:lb/listenerRule:ListenerRule")
    assert rule.inputs["listenerArn"].endswith(":listener/app/saas-dev-alb/0/0")


def test_a_target_group_outside_cell_1_is_named_for_its_cell() -> None:
    group = one(synth_tenant(THREE_CELLS, "t0005"), "aws:lb/targetGroup:TargetGroup")
    assert group.inputs["name"] == "saas-t0005-dev-c3-80"


def test_a_target_group_in_cell_1_keeps_the_name_it_had_before_cells() -> None:
    group = one(synth_tenant(THREE_CELLS, "t0001"), "aws:lb/targetGroup:TargetGroup")
    assert group.inputs["name"] == "saas-t0001-dev-80"


def test_dns_records_point_at_the_tenants_cell() -> None:
    text = fleet_yaml(3, tenants_per_cell=2, platform="dns: {zone_id: Z0123456789ABC}")
    record = one(synth_tenant(text, "t0003"), "aws:route53/record:Record")
    assert record.inputs["aliases"][0]["name"] == "saas-dev-alb-2-0.us-east-1.elb.amazonaws.com"


def test_the_tenant_stack_exports_its_cell_and_load_balancer() -> None:
    outputs = synth_tenant(THREE_CELLS, "t0004").outputs
    assert (outputs["cell"], outputs["load_balancer_dns_name"]) == (2, "saas-dev-alb-2-0.us-east-1.elb.amazonaws.com")


def test_a_tenant_in_a_cell_the_platform_lacks_is_not_synthesised() -> None:
    spec = spec_of(THREE_CELLS)
    one_cell = PlatformOutputs.placeholder("us-east-1", "saas-dev", cells=1)
    with pytest.raises(CellNotDeployed, match="no cell 3 \\(deployed cells: 1\\)"):
        synthesize(targets.tenant_target(spec, "t0005", one_cell))


def _resources(stacks_json: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every resource by stack and logical name, with the order of dependsOn (a set) made irrelevant."""
    found = {}
    for stack in stacks_json:
        for resource in stack["resources"]:
            options = {**resource["options"], "dependsOn": sorted(resource["options"]["dependsOn"])}
            # Plans before cells wrote deleteBeforeReplace as false when the program did not set it (now null).
            options["deleteBeforeReplace"] = bool(options["deleteBeforeReplace"])
            found[stack["project"], stack["stack"], resource["type"], resource["name"]] = {
                "inputs": resource["inputs"],
                "options": options,
            }
    return found


def _named_for_ports(before: dict[tuple[str, ...], dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Each tenant's target group and ingress rule as they are named now, for their port (the port's target group
    and rule aliased to the name they had: the same resources)."""
    ports = {key[1]: int(value["inputs"]["port"]) for key, value in before.items() if key[3] == "routing-cell1-targets"}
    renamed = {}
    for key, value in before.items():
        port = ports.get(key[1]) if key[0].endswith("-tenants") else None
        if port is None:
            renamed[key] = value
            continue
        names = {"routing-cell1-targets": f"routing-cell1-targets-{port}", "firewall-in": f"firewall-in-{port}"}
        text = json.dumps(value)
        for old, new in names.items():
            text = text.replace(f'::{old}"', f'::{new}"')
        renamed[(*key[:3], names.get(key[3], key[3]))] = json.loads(text)
    return renamed


def _renamed(before: dict[tuple[str, ...], dict[str, Any]], spec: Path) -> dict[tuple[str, ...], dict[str, Any]]:
    """The golden plan with every tenant's bucket and role names as new stacks name them (the account in the
    bucket's hash, the Region's code in the roles'): what an offline plan shows for a tenant, since it cannot know
    that a deployed stack keeps the names it has (``ignore_changes``, shown by the real engine in
    tests/integration/test_environments.py)."""
    loaded = spec_of(spec.read_text()).platform
    text = json.dumps(list(before.values()))
    for stack in {key[1] for key in before if key[0].endswith("-tenants")}:
        names = TenantNames(loaded.project, loaded.environment, loaded.region, stack, "123456789012")
        legacy = (names.legacy_bucket, *names.legacy_roles)
        for old, new in zip(legacy, (names.bucket, names.execution_role, names.task_role), strict=True):
            text = text.replace(old, new)  # each legacy name is unique in the plan, and no other name contains it
    return {key: value for key, value in zip(before, json.loads(text), strict=True)}


@pytest.mark.parametrize("name", ["example", "https-dns"])
def test_an_environment_from_before_cells_plans_the_same_resources_names_and_inputs(
    name: str, runner: CliRunner
) -> None:
    # The golden files are `saasctl plan --json` of these specs at the last commit without cells. Since then, and
    # only: a new tenant's bucket and roles are named with the account and the Region (a deployed one keeps its
    # names: ignoreChanges), the task role trusts only ECS tasks of the platform's account and Region, and the
    # cluster reads restore_from at creation only; the ALB reaches the services through one platform rule instead
    # of one egress rule per tenant on its group (60 per direction by default); the subnets of a new environment are
    # carved for max_zones.
    spec = PRE_CELLS / f"{name}.yaml"
    before = _renamed(_resources(json.loads((PRE_CELLS / f"{name}.plan.json").read_text())["stacks"]), spec)
    # Each tenant's routing is named for its cell (cell 1 here), aliased to the name it had: the same resources.
    text = json.dumps(list(before.values())).replace("::routing", "::routing-cell1")
    before = {
        (*key[:3], key[3].replace("routing", "routing-cell1", 1) if key[3].startswith("routing") else key[3]): value
        for key, value in zip(before, json.loads(text), strict=True)
    }
    before = _named_for_ports(before)
    result = runner.invoke(app, ["plan", "--json", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    after = _resources(json.loads(result.stdout)["stacks"])
    egress = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
    dropped = {key for key in before if key[2] == egress and key[3] == "firewall-alb-out"}
    added = {key for key in after if key[2] == egress and key[3] == "security-alb-out-services"}
    assert len(dropped) == len({key[1] for key in before if key[0].endswith("-tenants")}) and len(added) == 1
    before = {key: value for key, value in before.items() if key not in dropped}
    after = {key: value for key, value in after.items() if key not in added}
    changed = {
        (key[1], key[3], field)
        for key in before
        for part in ("inputs", "options")
        for field in set(before[key][part]) | set(after[key][part])
        if before[key][part].get(field) != after[key][part].get(field)
    }
    tenants = sorted({key[1] for key in before if key[0].endswith("-tenants")})
    assert after.keys() == before.keys()
    assert changed == {
        *((t, name, "ignoreChanges") for t in tenants for name in ("iam-execution", "iam-task", "storage-bucket")),
        *((t, "iam-task", "assumeRolePolicy") for t in tenants),
        ("dev", "database-cluster", "ignoreChanges"),  # a later restore_from does not replace the cluster
        # A version or class change applies with the deploy; a major upgrade's new parameter group comes first.
        ("dev", "database-cluster", "applyImmediately"),
        *(("dev", f"database-instance-{i}", "applyImmediately") for i in range(2)),
        ("dev", "load-balancer-alb", "dependsOn"),  # after the internet gateway and the public routes
        # A new task's port is admitted before the service starts it (a port change adds a rule for the new port).
        *((t, "service-service", "dependsOn") for t in tenants),
        # A new environment's subnets are carved for max_zones (a deployed one keeps its carving: its network
        # output has no max_zones, tests/stacks/test_targets.py).
        *(("dev", f"network-{tier}-{i}", "cidrBlock") for tier in ("public", "private") for i in range(2)),
    }
