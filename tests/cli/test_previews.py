"""What a preview shows: each stack's resources replaced, deleted, created or updated (replacements and deletes
first, marked), what forces a replacement, property-level old → new with --diff (secrets masked), a line of its
own for data about to be lost, the same list under --json, and exit 3 under --detailed-exitcode when anything
would change. Rendering from results made by hand; the commands on the real app with the in-memory engine."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.changes import data_warnings, preview_lines, stack_lines, summary
from saas_ctl.cli.main import app
from saas_ctl.engine.base import Operation, StackResult, StackTarget, Status
from saas_ctl.engine.changes import ChangeOp, PropertyChange, ResourceChange, counts, ordered
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS, deployed_platform

PLATFORM = StackTarget("saas-platform", "dev", lambda: None, kind="platform")
VPC = ResourceChange(
    ChangeOp.REPLACE,
    "aws:ec2/vpc:Vpc",
    "network-vpc",
    replace_keys=("cidrBlock",),
    properties=(PropertyChange("cidrBlock", "10.0.0.0/16", "10.1.0.0/16", replaces=True),),
)
IGW = ResourceChange(
    ChangeOp.UPDATE,
    "aws:ec2/internetGateway:InternetGateway",
    "network-igw",
    properties=(PropertyChange("vpcId", "vpc-77", "(known after the deploy)"),),
)
SECRET = ResourceChange(
    ChangeOp.UPDATE,
    "aws:secretsmanager/secretVersion:SecretVersion",
    "secret-value",
    properties=(PropertyChange("secretString", "[secret]", "[secret]"),),
)
NEW_RULE = ResourceChange(ChangeOp.CREATE, "aws:lb/listenerRule:ListenerRule", "routing-rule")
OLD_BUCKET = ResourceChange(ChangeOp.DELETE, "aws:s3/bucket:Bucket", "storage-bucket")
VPC_CIDR = ordered((IGW, NEW_RULE, VPC))


def previewed(*changes: ResourceChange, target: StackTarget = PLATFORM) -> StackResult:
    detail = ordered(changes)
    return StackResult(target, Operation.PREVIEW, Status.SUCCEEDED, counts(detail), changes_detail=detail)


# ---- rendering ------------------------------------------------------------------------------------------------
def test_a_stack_lists_replacements_first_with_what_forces_them_then_creates_and_updates() -> None:
    assert list(stack_lines(previewed(IGW, NEW_RULE, VPC))) == [
        "saas-platform/dev: replace 1, create 1, update 1",
        "  +- replace aws:ec2/vpc:Vpc network-vpc (forced by cidrBlock)",
        "  +  create  aws:lb/listenerRule:ListenerRule routing-rule",
        "  ~  update  aws:ec2/internetGateway:InternetGateway network-igw",
    ]


def test_diff_adds_each_changed_property_old_and_new_with_secrets_masked() -> None:
    assert list(stack_lines(previewed(VPC, IGW, SECRET), diff=True)) == [
        "saas-platform/dev: replace 1, update 2",
        "  +- replace aws:ec2/vpc:Vpc network-vpc (forced by cidrBlock)",
        '       cidrBlock: "10.0.0.0/16" → "10.1.0.0/16" (forces replacement)',
        "  ~  update  aws:ec2/internetGateway:InternetGateway network-igw",
        '       vpcId: "vpc-77" → (known after the deploy)',
        "  ~  update  aws:secretsmanager/secretVersion:SecretVersion secret-value",
        "       secretString: [secret] → [secret]",
    ]


def test_a_stack_without_changes_says_so_and_one_from_an_engine_that_does_not_detail_shows_its_counts() -> None:
    quiet = StackResult(PLATFORM, Operation.PREVIEW, Status.SUCCEEDED, {"same": 40}, changes_detail=())
    counted = StackResult(PLATFORM, Operation.PREVIEW, Status.SUCCEEDED, {"update": 2, "same": 38})
    assert preview_lines([quiet, counted]) == ["  saas-platform/dev: no changes", "  saas-platform/dev: update 2"]
    assert summary(counted) == "update 2"


def test_a_replaced_or_deleted_resource_holding_data_gets_a_line_of_its_own() -> None:
    tenant = StackTarget(TENANTS, "acme", lambda: None, tenant="acme")
    results = [previewed(IGW, VPC), previewed(OLD_BUCKET, NEW_RULE, target=tenant)]
    assert data_warnings(results) == [
        "saas-platform/dev replaces the VPC (aws:ec2/vpc:Vpc network-vpc), forced by cidrBlock",
        "saas-dev-tenants/acme deletes a bucket (aws:s3/bucket:Bucket storage-bucket)",
    ]


def test_an_update_of_a_resource_holding_data_is_no_loss() -> None:
    kept = ResourceChange(ChangeOp.UPDATE, "aws:rds/cluster:Cluster", "database-cluster")
    assert data_warnings([previewed(kept)]) == []


# ---- the commands ---------------------------------------------------------------------------------------------
@pytest.fixture
def spec(write_spec: Callable[[str], Path]) -> Path:
    return write_spec(MINIMAL)


def test_platform_preview_lists_each_resource_and_calls_out_the_vpc(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    engine.planned["saas-platform/dev"] = VPC_CIDR
    result = runner.invoke(app, ["platform", "preview", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert (
        "saas-platform/dev: replace 1, create 1, update 1\n"
        "  +- replace aws:ec2/vpc:Vpc network-vpc (forced by cidrBlock)\n"
        "  +  create  aws:lb/listenerRule:ListenerRule routing-rule\n"
        "  ~  update  aws:ec2/internetGateway:InternetGateway network-igw\n"
    ) in result.stderr
    assert "warning: saas-platform/dev replaces the VPC (aws:ec2/vpc:Vpc network-vpc), forced by cidrBlock\n" in (
        result.stderr
    )
    assert "cidrBlock: " not in result.stderr  # property values only with --diff


def test_platform_preview_with_diff_shows_old_and_new(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    engine.planned["saas-platform/dev"] = VPC_CIDR
    result = runner.invoke(app, ["platform", "preview", "--diff", "-f", str(spec)])
    assert '       cidrBlock: "10.0.0.0/16" → "10.1.0.0/16" (forces replacement)\n' in result.stderr


def test_json_carries_the_same_per_resource_list(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    engine.planned["saas-platform/dev"] = VPC_CIDR
    result = runner.invoke(app, ["platform", "preview", "--json", "-f", str(spec)])
    document = json.loads(result.stdout)
    [stack] = document["results"]
    assert [(c["op"], c["type"], c["name"]) for c in stack["changes_detail"]] == [
        ("replace", "aws:ec2/vpc:Vpc", "network-vpc"),
        ("create", "aws:lb/listenerRule:ListenerRule", "routing-rule"),
        ("update", "aws:ec2/internetGateway:InternetGateway", "network-igw"),
    ]
    assert stack["changes_detail"][0]["replace_keys"] == ["cidrBlock"]
    assert stack["changes_detail"][0]["data_resource"] == "the VPC"
    assert document["changes_pending"] is True


@pytest.mark.parametrize(
    ("planned", "code"),
    [(VPC_CIDR, 3), ((), 0)],
    ids=["changes pending", "nothing to change"],
)
def test_detailed_exitcode_is_3_when_a_preview_finds_changes_and_0_when_none(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path, planned: tuple[ResourceChange, ...], code: int
) -> None:
    engine.planned["saas-platform/dev"] = planned
    result = runner.invoke(app, ["platform", "preview", "--detailed-exitcode", "-f", str(spec)])
    assert result.exit_code == code, result.stderr


def test_without_detailed_exitcode_pending_changes_exit_0(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    engine.planned["saas-platform/dev"] = VPC_CIDR
    assert runner.invoke(app, ["platform", "preview", "-f", str(spec)]).exit_code == 0


def test_a_failed_preview_exits_1_even_with_detailed_exitcode(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    engine.failures[("preview", "saas-platform/dev")] = "no credentials"
    assert runner.invoke(app, ["platform", "preview", "--detailed-exitcode", "-f", str(spec)]).exit_code == 1


def test_tenant_preview_with_detailed_exitcode_and_a_replaced_bucket(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.planned[f"{TENANTS}/acme"] = (OLD_BUCKET,)
    result = runner.invoke(app, ["tenant", "preview", "acme", "--detailed-exitcode", "-f", str(spec)])
    assert result.exit_code == 3, result.stderr
    assert "  -  delete  aws:s3/bucket:Bucket storage-bucket\n" in result.stderr
    assert "warning: saas-dev-tenants/acme deletes a bucket (aws:s3/bucket:Bucket storage-bucket)\n" in result.stderr


def test_apply_dry_run_counts_a_tenant_waiting_for_the_platform_as_a_change_pending(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    engine.planned["saas-platform/dev"] = ()  # nothing to change in the platform, which is not deployed
    result = runner.invoke(app, ["apply", "--dry-run", "--detailed-exitcode", "--json", "-f", str(spec)])
    assert result.exit_code == 3, result.stderr
    assert json.loads(result.stdout)["not_previewed"] == ["acme"]


def test_apply_dry_run_with_nothing_to_change_exits_0_under_detailed_exitcode(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    result = runner.invoke(app, ["apply", "--dry-run", "--detailed-exitcode", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr


def test_detailed_exitcode_without_dry_run_is_refused(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    result = runner.invoke(app, ["apply", "--detailed-exitcode", "-f", str(spec)])
    assert result.exit_code == 2
    assert "error: --detailed-exitcode needs --dry-run" in result.stderr
    assert engine.calls == []
