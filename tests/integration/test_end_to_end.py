"""README's emulator walkthrough, run as written: the real saasctl CLI, the real Pulumi CLI, the AWS provider double
answering from the moto server `saasctl local start` runs, so the engine and saasctl's own AWS calls (preflight,
the rollout wait, the Data API, `tenant show --live`, `tenant logs`, the kept-data lookup) see one account.

The steps are README's own lines, read from its first ``bash`` block after "the local emulator"; a line this test
does not know how to run fails it. Between steps, moto's own API (boto3) shows what the engine made.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra import naming
from tests.conftest import REPO
from tests.integration.conftest import RealEngine, ops, requires_pulumi
from tests.moto_server import ACCOUNT
from tests.readme import INSTALL_PULUMI, PROTECTION_OFF, walkthrough

pytestmark = [requires_pulumi]

TENANT = naming.TenantNames("saas", "dev", "us-east-1", "initech", ACCOUNT)
PLATFORM = naming.PlatformNames("saas", "dev")
ZONE = "example.com"
# The one thing the test adds to the bundled tenants.yaml: a Route 53 zone for the tenants' records (a user's
# own, made in the emulator before `platform up`), so DNS is part of the run.
DNS_SETTING = f"  dns: {{zone_name: {ZONE}}}\n"
DATA = {
    "storage-bucket",
    "storage-ownership",
    "storage-public-access",
    "storage-encryption",
    "storage-versioning",
    "storage-policy",
    "secret-secret",
    "secret-value",
}


class Moto:
    """boto3 on the emulator `saasctl local start` recorded in the working directory."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    @property
    def url(self) -> str:  # read when asked: after `local stop` there is none
        port = json.loads((self.workdir / ".saasctl" / "local.json").read_text())["port"]
        return f"http://127.0.0.1:{port}"

    def __call__(self, service: str) -> Any:
        return boto3.client(  # type: ignore[call-overload]
            service,
            region_name="us-east-1",
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@pytest.fixture
def workdir(real: RealEngine) -> Iterator[RealEngine]:
    (real.workdir / "tenants.yaml").write_text((REPO / "tenants.yaml").read_text())
    yield real
    state = real.workdir / ".saasctl" / "local.json"
    if state.exists():  # the test failed before `local stop`: stop the emulator it started
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(json.loads(state.read_text())["pid"]), signal.SIGTERM)


def test_readmes_emulator_walkthrough_runs_to_the_end_as_written(workdir: RealEngine) -> None:
    real = workdir
    seen: list[str] = []
    for line in walkthrough():
        if line.startswith("export PULUMI_CONFIG_PASSPHRASE="):
            real.env["PULUMI_CONFIG_PASSPHRASE"] = line.split("=", 1)[1]
        elif line.startswith(".venv/bin/pip install") or line.startswith("pip install"):
            assert "'.[local]'" in line and 'local = ["moto[server]' in (REPO / "pyproject.toml").read_text()
        elif line == PROTECTION_OFF:
            real.edit_spec("deletion_protection: true", "deletion_protection: false")
        elif line == INSTALL_PULUMI:
            pass  # the suite's own Pulumi CLI (built from source) stands for the one it downloads
        elif line.startswith("saasctl "):
            args = shlex.split(line)[1:]
            mark = real.mark()
            result = real.run(*args)
            assert result.returncode == 0, f"`{line}` exited {result.returncode}:\n{result.stderr}"
            seen.append(line)
            check = CHECKS.get((line, seen.count(line)))
            if check is not None:
                check(real, Moto(real.workdir), result.stdout, mark)
        else:
            pytest.fail(f"README's walkthrough has a line this test cannot run: {line!r}")
    assert set(seen) >= {command for command, _ in CHECKS}, "README's walkthrough lost a step"


def emulator_started(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    """The user's hosted zone exists before their first deploy (see DNS_SETTING)."""
    moto("route53").create_hosted_zone(Name=ZONE, CallerReference="walkthrough")
    real.edit_spec("  log_retention_days: 30\n", DNS_SETTING + "  log_retention_days: 30\n")


def platform_created(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    [vpc] = [v for v in moto("ec2").describe_vpcs()["Vpcs"] if not v["IsDefault"]]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    [alb] = moto("elbv2").describe_load_balancers(Names=[PLATFORM.cell_load_balancer(1)])["LoadBalancers"]
    assert alb["VpcId"] == vpc["VpcId"]
    [cluster] = moto("ecs").describe_clusters(clusters=[PLATFORM.ecs_cluster])["clusters"]
    assert cluster["status"] == "ACTIVE"
    [database] = moto("rds").describe_db_clusters(DBClusterIdentifier=PLATFORM.db_cluster_identifier)["DBClusters"]
    assert (database["Engine"], database["DeletionProtection"]) == ("aurora-postgresql", True)


def tenant_created(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    tags = {t["Key"]: t["Value"] for t in moto("s3").get_bucket_tagging(Bucket=TENANT.bucket)["TagSet"]}
    assert (tags["tenant"], tags["managed-by"]) == ("initech", "saasctl")
    [group] = moto("elbv2").describe_target_groups(Names=[TENANT.target_group(80, 1)])["TargetGroups"]
    assert group["TargetType"] == "ip"
    [service] = moto("ecs").describe_services(cluster=PLATFORM.ecs_cluster, services=[TENANT.ecs_service])["services"]
    # The rollout saasctl waited for: moto's one deployment, COMPLETED at the running count `local start` sets.
    assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED"]
    assert service["loadBalancers"][0]["targetGroupArn"] == group["TargetGroupArn"]
    assert moto("secretsmanager").describe_secret(SecretId=TENANT.secret)["Name"] == TENANT.secret
    [zone] = moto("route53").list_hosted_zones_by_name(DNSName=ZONE)["HostedZones"]
    records = moto("route53").list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    [alias] = [r for r in records if r["Name"] == "initech.example.com."]
    assert alias["AliasTarget"]["DNSName"].startswith(PLATFORM.cell_load_balancer(1))
    # The database step ran against moto's Data API, which answers every statement with no rows and runs none.


def tenant_listed(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    states = {line.split("\t")[0]: line.split("\t")[1] for line in out.splitlines()}
    assert states == {"acme": "not deployed", "globex": "not deployed", "initech": "deployed"}


def nothing_deployed_outside_the_emulator(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    """The emulator's stacks are in its own state: a command without --local sees none of them."""
    states = {line.split("\t")[0]: line.split("\t")[1] for line in out.splitlines()}
    assert states == {"acme": "not deployed", "globex": "not deployed", "initech": "not deployed"}
    assert (real.workdir / ".saasctl" / "local" / "state" / ".pulumi").is_dir()


def tenant_shown(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    assert "service: 1 running of 1 desired (0 pending)" in out
    # Not shown, because moto cannot do it: no task runs, so no target registers and none has a health.
    [group] = moto("elbv2").describe_target_groups(Names=[TENANT.target_group(80, 1)])["TargetGroups"]
    health = moto("elbv2").describe_target_health(TargetGroupArn=group["TargetGroupArn"])
    assert health["TargetHealthDescriptions"] == []


def tenant_logs_read(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    # The log group exists and is read; it is empty because moto runs no task that could write to it.
    assert moto("logs").describe_log_groups(logGroupNamePrefix=TENANT.log_group)["logGroups"]
    assert out == ""


def tenant_destroyed_keeping_data(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    assert moto("s3").head_bucket(Bucket=TENANT.bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert moto("s3").get_bucket_versioning(Bucket=TENANT.bucket)["Status"] == "Enabled"
    assert "DeletedDate" not in moto("secretsmanager").describe_secret(SecretId=TENANT.secret)
    assert (
        moto("ecs").describe_services(cluster=PLATFORM.ecs_cluster, services=[TENANT.ecs_service])["services"][0][
            "status"
        ]
        == "INACTIVE"
    )
    assert not set(ops(real.calls_since(mark), "delete")) & DATA


def tenant_adopted(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    after = real.calls_since(mark)
    assert set(ops(after, "import")) == DATA
    assert all(c["found"] for c in after if c["op"] == "import")
    assert not set(ops(after, "create")) & DATA


def platform_destroyed(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    assert [v for v in moto("ec2").describe_vpcs()["Vpcs"] if not v["IsDefault"]] == []
    assert moto("elbv2").describe_load_balancers()["LoadBalancers"] == []
    assert moto("rds").describe_db_clusters()["DBClusters"] == []
    # Not throwaway: the cluster's final snapshot, named for the platform's generation.
    snapshots = moto("rds").describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
    assert [s["DBClusterSnapshotIdentifier"][: len("saas-dev-final-")] for s in snapshots] == ["saas-dev-final-"]


def emulator_state_discarded(real: RealEngine, moto: Moto, out: str, mark: int) -> None:
    assert not (real.workdir / ".saasctl" / "local").exists()


Check = Callable[[RealEngine, Moto, str, int], None]
CHECKS: dict[tuple[str, int], Check] = {
    ("saasctl local start", 1): emulator_started,
    ("saasctl platform up --local", 1): platform_created,
    ("saasctl tenant add initech --local", 1): tenant_created,
    ("saasctl tenant list --local", 1): tenant_listed,
    ("saasctl tenant list", 1): nothing_deployed_outside_the_emulator,
    ("saasctl tenant show initech --live --local", 1): tenant_shown,
    ("saasctl tenant logs initech --local", 1): tenant_logs_read,
    ("saasctl tenant destroy initech --local --yes", 1): tenant_destroyed_keeping_data,
    ("saasctl tenant add initech --local", 2): tenant_adopted,
    ("saasctl platform destroy --local --yes", 1): platform_destroyed,
    ("saasctl local stop", 1): emulator_state_discarded,
}
