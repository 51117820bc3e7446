"""`saasctl plan` through the real app: offline synthesis of the real programs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.cli.output import Output
from tests.conftest import EXAMPLE, MINIMAL, fleet_yaml


def test_plan_json_lists_every_stack_with_its_resources(runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", "-f", str(EXAMPLE), "--json"])
    assert result.exit_code == 0, result.stderr
    stacks = json.loads(result.stdout)["stacks"]
    assert [(s["project"], s["stack"]) for s in stacks] == [
        ("saas-platform", "dev"),
        ("saas-dev-tenants", "acme"),
        ("saas-dev-tenants", "globex"),
    ]
    types = {r["type"] for r in stacks[1]["resources"]}
    assert {"aws:s3/bucket:Bucket", "aws:ecs/service:Service", "aws:lb/listenerRule:ListenerRule"} <= types
    assert set(stacks[1]["resources"][0]) == {"type", "name", "inputs", "options"}


def test_plan_json_masks_secret_inputs(runner: CliRunner) -> None:
    stacks = json.loads(runner.invoke(app, ["plan", "-f", str(EXAMPLE), "--json", "-t", "acme"]).stdout)["stacks"]
    [version] = [r for r in stacks[0]["resources"] if r["type"] == "aws:secretsmanager/secretVersion:SecretVersion"]
    assert version["inputs"]["secretString"] == "[secret]"


def test_plan_for_one_tenant_skips_the_platform(runner: CliRunner) -> None:
    stacks = json.loads(runner.invoke(app, ["plan", "-f", str(EXAMPLE), "--json", "--tenant", "globex"]).stdout)[
        "stacks"
    ]
    assert [s["stack"] for s in stacks] == ["globex"]


def test_plan_of_an_undeclared_tenant_exits_2(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    result = runner.invoke(app, ["plan", "-f", str(write_spec(MINIMAL)), "-t", "nobody"])
    assert result.exit_code == 2
    assert result.stderr == "error: tenant 'nobody' is not declared\nhint: declared tenants: acme\n"


def test_plan_on_a_terminal_is_a_table_per_stack(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Output, "stdout_is_terminal", staticmethod(lambda: True))
    result = runner.invoke(app, ["plan", "-f", str(EXAMPLE), "-t", "acme"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert result.stdout.startswith("saas-dev-tenants/acme: 28 resources\n")
    assert "aws:iam/role:Role" in result.stdout


def test_plan_of_a_tenant_piped_prints_one_line_per_resource_with_its_aws_name(runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", "-f", str(EXAMPLE), "-t", "acme"])
    lines = result.stdout.splitlines()
    assert "saas-dev-tenants/acme\taws:iam/role:Role\tiam-task\tsaas-acme-dev-task-nkmp" in lines
    assert len(lines) == 28 and all(line.startswith("saas-dev-tenants/acme\t") for line in lines)


def test_plan_piped_is_one_line_per_stack_in_the_columns_its_help_names(runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", "-f", str(EXAMPLE)])
    image = "public.ecr.aws/nginx/nginx:stable"
    assert result.stdout.splitlines() == [
        "saas-platform/dev\tplatform\t40\t\t\t\t\t\t\t\t\t",
        f"saas-dev-tenants/acme\ttenant\t28\tacme.example.com\t1\t10\t512\t1024\t1\t1-4 @ 60% cpu\t80\t{image}",
        f"saas-dev-tenants/globex\ttenant\t28\tglobex.example.com\t1\t20\t256\t512\t1\t1-4 @ 60% cpu\t80\t{image}",
    ]
    help_page = " ".join(runner.invoke(app, ["plan", "--help"], env={"COLUMNS": "400"}).stdout.split())
    assert (
        "always these columns: by default stack, kind, resources, hosts, cell, priority, cpu, memory, desired, "
        "scaling, port, image" in help_page
    )


def test_plan_at_a_terminal_shows_only_the_settings_that_differ(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Output, "stdout_is_terminal", staticmethod(lambda: True))
    result = runner.invoke(app, ["plan", "-f", str(EXAMPLE)], env={"COLUMNS": "200"})
    header = next(line for line in result.stdout.splitlines() if "stack" in line)
    cells = [cell.strip() for cell in header.split("┃")[1:-1]]
    assert cells == ["stack", "kind", "resources", "hosts", "priority", "cpu", "memory"]


def test_plan_ends_with_a_total_and_the_line_saying_it_is_the_offline_view(runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", "-f", str(EXAMPLE)])
    assert result.stderr.splitlines()[-2:] == [
        "total: 3 stacks (platform and 2 tenants), 96 resources",
        "plan is the offline view of what the programs declare; "
        f"`saasctl apply --dry-run -f {EXAMPLE}` shows what a deploy would change",
    ]


def test_a_long_plan_reports_its_progress_on_stderr(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    result = runner.invoke(app, ["plan", "-f", str(write_spec(fleet_yaml(19)))])
    assert "synthesised 20 of 20 stacks" in result.stderr and "synthesised 2 of 20 stacks" in result.stderr


def test_plan_of_an_invalid_file_exits_2_before_synthesising(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    result = runner.invoke(app, ["plan", "-f", str(write_spec(MINIMAL.replace("cpu: 256", "cpu: 3")))])
    assert result.exit_code == 2
    assert "defaults.cpu: cpu 3 is not a Fargate size" in result.stderr


def test_plan_json_shows_the_options_that_decide_day_two(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    from saas_ctl.engine.base import DAY_TWO_OPTIONS

    result = runner.invoke(app, ["plan", "--json", "-f", str(write_spec(MINIMAL))])
    platform, acme = json.loads(result.stdout)["stacks"]
    cluster = next(r for r in platform["resources"] if r["type"] == "aws:rds/cluster:Cluster")
    bucket = next(r for r in acme["resources"] if r["type"] == "aws:s3/bucket:Bucket")
    assert tuple(cluster["options"]) == DAY_TWO_OPTIONS
    assert (cluster["options"]["protect"], bucket["options"]["retainOnDelete"], bucket["options"]["import"]) == (
        True,
        True,
        None,
    )


def test_plan_json_of_a_fleet_in_cells_has_one_alb_per_cell_and_each_rule_on_its_cells_listener(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(fleet_yaml(7, tenants_per_cell=3))  # cells 1 and 2 hold 3 tenants, cell 3 holds 1
    stacks = json.loads(runner.invoke(app, ["plan", "-f", str(path), "--json"]).stdout)["stacks"]
    albs = [r["inputs"]["name"] for r in stacks[0]["resources"] if r["type"] == "aws:lb/loadBalancer:LoadBalancer"]
    assert sorted(albs) == ["saas-dev-alb", "saas-dev-alb-2", "saas-dev-alb-3"]
    rules = {}
    for stack in stacks[1:]:
        [rule] = [r for r in stack["resources"] if r["type"] == "aws:lb/listenerRule:ListenerRule"]
        rules[stack["stack"]] = (rule["inputs"]["listenerArn"].split("/")[2], rule["inputs"]["priority"])
    assert rules == {
        "t0001": ("saas-dev-alb", 1.0),
        "t0002": ("saas-dev-alb", 2.0),
        "t0003": ("saas-dev-alb", 3.0),
        "t0004": ("saas-dev-alb-2", 1.0),
        "t0005": ("saas-dev-alb-2", 2.0),
        "t0006": ("saas-dev-alb-2", 3.0),
        "t0007": ("saas-dev-alb-3", 1.0),
    }
