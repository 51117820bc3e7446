"""`apply --dry-run --format markdown`: a dry run as a pull request comment, from the real app with the in-memory
engine (SAASCTL_ENGINE) and offline preflight."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.engine.changes import ChangeOp, ResourceChange
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS, deployed_platform

VPC = ResourceChange(ChangeOp.REPLACE, "aws:ec2/vpc:Vpc", "network-vpc", replace_keys=("cidrBlock",))
IGW = ResourceChange(ChangeOp.UPDATE, "aws:ec2/internetGateway:InternetGateway", "network-igw")
RULE = ResourceChange(ChangeOp.CREATE, "aws:lb/listenerRule:ListenerRule", "routing-rule")


@pytest.fixture
def spec(write_spec: Callable[[str], Path]) -> Path:
    return write_spec(MINIMAL)


def comment(runner: CliRunner, spec: Path, *extra: str) -> str:
    result = runner.invoke(app, ["apply", "--dry-run", "--format", "markdown", "-f", str(spec), *extra])
    assert result.exit_code in (0, 3), result.stderr
    return result.stdout


def test_a_dry_run_with_one_replacement_lists_it_first(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    engine.planned["saas-platform/dev"] = (IGW, RULE, VPC)  # in the engine's own order: the replacement last
    table = comment(runner, spec).split("#### `saas-platform/dev`: replace 1, create 1, update 1\n\n", 1)[1]
    assert table.splitlines()[:5] == [
        "| | operation | type | name | forced by |",
        "|---|---|---|---|---|",
        "| `+-` | replace | `aws:ec2/vpc:Vpc` | `network-vpc` | `cidrBlock` |",
        "| `+` | create | `aws:lb/listenerRule:ListenerRule` | `routing-rule` |  |",
        "| `~` | update | `aws:ec2/internetGateway:InternetGateway` | `network-igw` |  |",
    ]


def test_a_replaced_vpc_is_called_out_as_data_at_risk(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    engine.planned["saas-platform/dev"] = (VPC,)
    text = comment(runner, spec)
    assert "- :warning: saas-platform/dev replaces the VPC (aws:ec2/vpc:Vpc network-vpc), forced by cidrBlock\n" in text


def test_the_comment_ends_with_preflights_findings_and_a_summary_line(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    engine.planned["saas-platform/dev"] = (IGW, VPC)
    text = comment(runner, spec)
    assert text.startswith("<!-- saasctl apply --dry-run -->\n### saasctl: what merging this would change (`")
    assert "**Preflight:** passed with 1 finding(s):\n\n- warning `CERT-NONE` `" in text
    assert text.endswith("**Summary:** 1 of 2 stack(s) previewed would change (replace 1, update 1).\n")


def test_a_tenant_waiting_for_the_platform_is_listed_as_not_previewed(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    engine.planned["saas-platform/dev"] = (RULE,)
    text = comment(runner, spec)
    assert "- `acme`: would be created once the platform (or its cell) is up\n" in text
    assert text.endswith("**Summary:** 1 of 1 stack(s) previewed would change (create 1); 1 to create later.\n")


def test_markdown_without_dry_run_is_refused(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    result = runner.invoke(app, ["apply", "--format", "markdown", "-f", str(spec)])
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --format markdown needs --dry-run: it writes what a dry run found as a PR comment\n",
    )


def test_a_stack_skipped_as_unchanged_is_named_as_such_not_as_a_failure() -> None:
    from saas_ctl.cli.markdown import comment
    from saas_ctl.engine.base import Operation, StackResult, StackTarget, Status
    from saas_ctl.engine.changes import counts
    from saas_ctl.orchestration.orchestrator import RunReport
    from saas_ctl.service.interaction import Outcome

    platform = StackTarget("saas-platform", "dev", lambda: None, kind="platform")
    acme = StackTarget(TENANTS, "acme", lambda: None, kind="tenant", tenant="acme")
    results = [
        StackResult(platform, Operation.PREVIEW, Status.SUCCEEDED, counts((VPC,)), changes_detail=(VPC,)),
        StackResult(acme, Operation.PREVIEW, Status.UNCHANGED, reason="its fingerprint is the one last deployed"),
    ]
    text = comment(Outcome([RunReport(Operation.PREVIEW, results)]), "tenants.yaml")
    assert "**Skipped** (unchanged since their last successful deploy): `acme`\n" in text
    assert "failed" not in text
    assert text.endswith("**Summary:** 1 of 1 stack(s) previewed would change (replace 1); 1 skipped as unchanged.\n")
