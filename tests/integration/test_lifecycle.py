"""saasctl's lifecycle on the real Pulumi engine: the real CLI in subprocesses, the Pulumi CLI built from source,
the local file backend with a passphrase, and the AWS provider double recording what the engine asked for."""

from __future__ import annotations

from typing import Any

from infra import naming
from tests.integration.conftest import RealEngine, ops, requires_pulumi
from tests.moto_server import client

pytestmark = [requires_pulumi]

ACME = naming.TenantNames("itest", "test", "us-east-1", "acme")
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


def keep_in_account(real: RealEngine, url: str) -> None:
    """What AWS holds after `tenant destroy` kept acme's data, as saasctl's own calls see it (moto): the bucket
    and the secret with acme's saasctl tags, the secret at the version the engine wrote."""
    [version] = [c for c in real.calls() if c["op"] == "create" and c["name"] == "secret-value"]
    tags = naming.tags("itest", "test", "acme")
    s3: Any = client(url, "s3")
    s3.create_bucket(Bucket=ACME.bucket)
    s3.put_bucket_tagging(Bucket=ACME.bucket, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    secrets: Any = client(url, "secretsmanager")
    secrets.create_secret(
        Name=ACME.secret,
        SecretString="kept",
        ClientRequestToken=version["id"].split("|")[1],
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )


def test_platform_and_tenant_lifecycle_end_to_end(real: RealEngine, moto: str) -> None:
    real.use_aws(moto)
    platform = real.ok("platform", "up", "--json").json()["results"][0]
    assert platform["status"] == "succeeded" and platform["changes"]["create"] > 30

    added = real.ok("tenant", "add", "acme", "--json").json()
    assert added["results"][0]["changes"] == {"create": 30}

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

    keep_in_account(real, moto)
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
