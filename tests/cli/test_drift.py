"""`saasctl drift`: every deployed stack (or --tenant NAME) looked at by the engine's refresh-preview, each
difference said as resource, property, expected and found; exit 3 when drift is found, 0 when none. The real
app with the in-memory engine (tests/integration/test_drift.py: the real engine)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.engine.changes import ChangeOp, PropertyChange, ResourceChange
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS, deployed_platform

RETENTION = ResourceChange(
    ChangeOp.UPDATE,
    "aws:cloudwatch/logGroup:LogGroup",
    "logs",
    properties=(PropertyChange("retentionInDays", 30, 7),),
)
BUCKET_GONE = ResourceChange(ChangeOp.DELETE, "aws:s3/bucket:Bucket", "storage-bucket")


@pytest.fixture
def spec(write_spec: Callable[[str], Path]) -> Path:
    return write_spec(MINIMAL + "  - name: globex\n    priority: 20\n")


def deployed(engine: fakes.MemoryEngine) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    engine.deploy(TENANTS, "globex")


def test_drift_found_is_listed_property_by_property_and_exits_3(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed(engine)
    engine.drifted[f"{TENANTS}/acme"] = (RETENTION,)
    result = runner.invoke(app, ["drift", "-f", str(spec)])
    assert result.exit_code == 3, result.stderr
    assert (
        f"{TENANTS}/acme: aws:cloudwatch/logGroup:LogGroup logs: retentionInDays: expected 30, found 7\n"
        in result.stderr
    )


def test_drift_looks_at_the_platform_and_every_tenant_stack_and_changes_nothing(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed(engine)
    result = runner.invoke(app, ["drift", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    operations = [call for call in engine.calls if call[0] not in ("outputs", "list_stacks")]  # reads
    assert sorted(operations) == [
        ("drift", f"{TENANTS}/acme"),
        ("drift", f"{TENANTS}/globex"),
        ("drift", "saas-platform/dev"),
    ]
    assert "no drift: AWS holds what every stack's state says\n" in result.stderr


def test_drift_json_names_each_difference_and_a_resource_gone_from_aws(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed(engine)
    engine.drifted[f"{TENANTS}/globex"] = (RETENTION, BUCKET_GONE)
    result = runner.invoke(app, ["drift", "--json", "-f", str(spec)])
    assert result.exit_code == 3, result.stderr
    document = json.loads(result.stdout)
    assert document["drift_found"] is True
    where = {"stack": f"{TENANTS}/globex", "tenant": "globex"}
    assert document["drift"] == [
        {**where, "resource": "logs", "type": "aws:cloudwatch/logGroup:LogGroup", "property": "retentionInDays",
         "expected": 30, "found": 7},
        {**where, "resource": "storage-bucket", "type": "aws:s3/bucket:Bucket", "property": None,
         "expected": "present", "found": "absent"},
    ]  # fmt: skip


def test_drift_of_one_tenant_looks_at_its_stack_only(runner: CliRunner, engine: fakes.MemoryEngine, spec: Path) -> None:
    deployed(engine)
    result = runner.invoke(app, ["drift", "--tenant", "globex", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert [call for call in engine.calls if call[0] == "drift"] == [("drift", f"{TENANTS}/globex")]


def test_drift_of_a_tenant_without_a_stack_is_a_usage_error(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: Path
) -> None:
    deployed(engine)
    result = runner.invoke(app, ["drift", "--tenant", "initech", "-f", str(spec)])
    assert result.exit_code == 2
    assert "error: tenant 'initech' has no stack to look at\n" in result.stderr
