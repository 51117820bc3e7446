"""Fingerprints and drift on the real Pulumi engine with the AWS double on moto: a second `apply` with nothing
changed asks the provider for nothing; a stack edited behind saasctl's back (through moto's API, so the
double's next read answers differently) is found by `saasctl drift` and put back by `apply --refresh`."""

from __future__ import annotations

import json
from typing import Any

from tests.integration.conftest import RealEngine, requires_pulumi
from tests.moto_server import client

pytestmark = [requires_pulumi]

INSIGHTS = "/aws/ecs/containerinsights/itest-test/performance"  # the platform's cluster-insights log group


def test_a_second_apply_with_nothing_changed_runs_no_stack(real: RealEngine) -> None:
    real.edit_spec("tenants: []\n", "tenants:\n  - name: acme\n    priority: 1\n")
    real.ok("apply", "--yes", "--skip-preflight")
    records = real.workdir / ".saasctl" / "state" / "saasctl-fingerprints"
    assert sorted(p.relative_to(records).as_posix() for p in records.rglob("*.json")) == [
        "itest-platform/test.json",
        "itest-test-tenants/acme.json",
    ]
    mark = real.mark()
    again = real.ok("apply", "--yes", "--skip-preflight", "--json").json()
    assert real.calls_since(mark) == []
    assert [(r["stack"], r["status"]) for r in again["results"]] == [("test", "unchanged"), ("acme", "unchanged")]


def test_a_tenant_whose_up_failed_has_no_record_and_runs_again(real: RealEngine) -> None:
    real.edit_spec("tenants: []\n", "tenants:\n  - name: acme\n    priority: 1\n")
    failing = {"SAASCTL_DOUBLE_FAIL": "create:logs"}
    assert real.run("apply", "--yes", "--skip-preflight", env=failing).returncode == 1
    records = real.workdir / ".saasctl" / "state" / "saasctl-fingerprints"
    assert not (records / "itest-test-tenants" / "acme.json").exists()
    again = real.ok("apply", "--yes", "--skip-preflight", "--json").json()
    assert [(r["stack"], r["status"]) for r in again["results"]] == [("test", "unchanged"), ("acme", "succeeded")]


def test_a_change_behind_saasctls_back_is_found_by_drift_and_undone_by_apply_refresh(
    real: RealEngine, moto: str
) -> None:
    real.use_aws(moto)
    real.ok("platform", "up", "--yes", "--skip-preflight")
    assert real.run("drift").returncode == 0
    logs: Any = client(moto, "logs")
    logs.put_retention_policy(logGroupName=INSIGHTS, retentionInDays=3)  # by hand, in the console say

    mark = real.mark()
    found = real.run("drift", "--json")
    assert found.returncode == 3, found.stderr
    assert json.loads(found.stdout)["drift"] == [
        {
            "stack": "itest-platform/test",
            "tenant": None,
            "resource": "cluster-insights",
            "type": "aws:cloudwatch/logGroup:LogGroup",
            "property": "retentionInDays",
            "expected": 30,
            "found": 3,
        }
    ]
    assert {c["op"] for c in real.calls_since(mark)} == {"read"}  # looked, changed nothing
    assert _retention(logs) == 3

    real.ok("apply", "--refresh", "--yes", "--skip-preflight")
    assert _retention(logs) == 30
    assert real.run("drift").returncode == 0


def _retention(logs: Any) -> int:
    [group] = [g for g in logs.describe_log_groups()["logGroups"] if g["logGroupName"] == INSIGHTS]
    return int(group["retentionInDays"])
