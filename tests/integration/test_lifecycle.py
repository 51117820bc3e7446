"""saasctl's lifecycle on the real Pulumi engine: the real CLI in subprocesses, the Pulumi CLI built from source,
the local file backend with a passphrase, and the AWS provider double recording what the engine asked for; with
``use_aws`` the double answers from the same moto server as saasctl's own calls (one account)."""

from __future__ import annotations

from typing import Any

from infra import naming
from tests.integration.conftest import RealEngine, ops, requires_pulumi
from tests.moto_server import ACCOUNT, client

pytestmark = [requires_pulumi]

ACME = naming.TenantNames("itest", "test", "us-east-1", "acme", ACCOUNT)
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


def kept_in_account(url: str) -> None:
    """What `tenant destroy` kept, as saasctl's own calls see it: the double made it in the same moto account."""
    s3: Any = client(url, "s3")
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=ACME.bucket)["TagSet"]}
    assert {k: tags[k] for k in ("project", "environment", "tenant")} == {
        "project": "itest",
        "environment": "test",
        "tenant": "acme",
    }
    secrets: Any = client(url, "secretsmanager")
    assert "DeletedDate" not in secrets.describe_secret(SecretId=ACME.secret)


def test_platform_and_tenant_lifecycle_end_to_end(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    platform = real.ok("platform", "up", "--json").json()["results"][0]
    assert platform["status"] == "succeeded" and platform["changes"]["create"] > 30

    added = real.ok("tenant", "add", "acme", "--json").json()
    assert added["results"][0]["changes"] == {"create": 29}

    listed = real.ok("tenant", "list", "--json").json()["tenants"]
    assert [(t["name"], t["state"]) for t in listed] == [("acme", "deployed")]

    mark = real.mark()
    again = real.ok("tenant", "up", "acme", "--json").json()["results"][0]
    assert set(again["changes"]) == {"same"}, again["changes"]
    assert [c["op"] for c in real.calls_since(mark)] == []

    real.edit_spec("  - name: acme\n", "  - name: acme\n    cpu: 512\n    memory: 1024\n")
    mark = real.mark()
    changed = real.ok("tenant", "up", "acme", "--json").json()["results"][0]
    assert changed["changes"].get("replace", 0) == 1 and changed["changes"].get("update", 0) >= 1, changed["changes"]
    touched = real.calls_since(mark)
    # A new task definition revision (immutable: replaced) and the service pointed at it (updated in place).
    assert ops(touched, "create") == ["service-task"]
    assert "service-service" in ops(touched, "update")
    assert ops(touched, "delete") == ["service-task"]

    mark = real.mark()
    destroyed = real.ok("tenant", "destroy", "acme", "--yes", "--json").json()
    assert destroyed["removed_from_file"] is True
    deleted = set(ops(real.calls_since(mark), "delete"))
    assert deleted and not deleted & DATA, deleted & DATA
    assert real.ok("tenant", "list", "--json").json()["tenants"] == []

    kept_in_account(moto)
    mark = real.mark()
    readded = real.ok("tenant", "add", "acme", "--json").json()["results"][0]
    assert readded["status"] == "succeeded"
    after = real.calls_since(mark)
    assert set(ops(after, "import")) == DATA
    assert not set(ops(after, "create")) & DATA
    assert readded["changes"].get("import") == len(DATA)

    real.ok("tenant", "destroy", "acme", "--yes")
    mark = real.mark()
    refused = real.run("platform", "destroy", "--yes")
    assert refused.returncode == 2
    assert "refusing to destroy the platform: its Aurora cluster has deletion protection" in refused.stderr
    assert real.calls_since(mark) == []

    real.edit_spec("deletion_protection: true", "deletion_protection: false")
    real.ok("platform", "up")
    real.ok("platform", "destroy", "--yes")
    assert "itest-platform" not in real.pulumi("stack", "ls", "--all", "--json").stdout


def test_a_plain_destroy_after_a_failed_delete_data_destroy_keeps_the_data_and_says_so(
    real: RealEngine, moto: str
) -> None:
    """A `--delete-data` destroy that fails leaves the stack's state set to delete the bucket (force_destroy) and the
    secret (no recovery window), retained by nothing; the plain destroy after it re-applies keep mode first, and
    what it reports kept is what the state it destroyed from retained."""
    real.use_aws(moto)
    real.ok("platform", "up")
    real.ok("tenant", "add", "acme")
    failed = real.run(
        "tenant", "destroy", "acme", "--delete-data", "--yes", env={"SAASCTL_DOUBLE_FAIL": "delete:iam-*"}
    )
    assert failed.returncode == 1, failed.stderr
    assert "re-applies keep mode first" in failed.stderr

    mark = real.mark()
    destroyed = real.ok("tenant", "destroy", "acme", "--yes", "--json").json()
    assert destroyed["keep_restored"] is True
    assert destroyed["read_back"] is True
    assert destroyed["deleted"] == []
    assert destroyed["kept"] == [
        f"S3 bucket {ACME.bucket}",
        f"secret {ACME.secret}",
        f"database and role {ACME.database_user}",
    ]
    deleted = set(ops(real.calls_since(mark), "delete"))
    assert deleted and not deleted & DATA, deleted & DATA
    kept_in_account(moto)


def test_a_delete_data_destroy_reports_what_the_state_said_it_deleted(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    real.ok("platform", "up")
    real.ok("tenant", "add", "acme")
    destroyed = real.ok("tenant", "destroy", "acme", "--delete-data", "--yes", "--json").json()
    assert destroyed["kept"] == []
    assert destroyed["deleted"] == [
        f"S3 bucket {ACME.bucket} (with its objects)",
        f"secret {ACME.secret} (no recovery window)",
    ]
