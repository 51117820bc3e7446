"""Finding a returning tenant's kept data, against a real moto server: adopt what is theirs, refuse the rest."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from infra import naming
from infra.tenant.kept import NOTHING_KEPT
from saas_ctl.aws.adoption import KeptDataConflict, find_kept_data
from saas_ctl.spec.models import TenantsFile
from tests.conftest import MINIMAL, spec_of
from tests.moto_server import ACCOUNT, REGION, client, other_account_credentials

NAMES = naming.TenantNames("saas", "dev", REGION, "acme", ACCOUNT)
ACME_TAGS = naming.tags("saas", "dev", "acme", {"cost-center": "x"})


def spec() -> TenantsFile:
    return spec_of(MINIMAL)


def session() -> Any:
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")


def keep_bucket(url: str, tags: dict[str, str], bucket: str = NAMES.bucket) -> None:
    s3: Any = client(url, "s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})


def keep_secret(url: str, tags: dict[str, str]) -> dict[str, Any]:
    secrets: Any = client(url, "secretsmanager")
    created: dict[str, Any] = secrets.create_secret(
        Name=NAMES.secret, SecretString='{"app_secret": "kept"}', Tags=[{"Key": k, "Value": v} for k, v in tags.items()]
    )
    return created


def test_nothing_kept_means_nothing_to_adopt(moto: str) -> None:
    assert find_kept_data(spec(), "acme", session(), moto) == NOTHING_KEPT


def test_kept_bucket_and_secret_with_the_tenants_tags_are_adopted(moto: str) -> None:
    keep_bucket(moto, ACME_TAGS)
    created = keep_secret(moto, ACME_TAGS)
    kept = find_kept_data(spec(), "acme", session(), moto)
    assert (kept.bucket, kept.secret_arn, kept.secret_version_id) == (
        NAMES.bucket,
        created["ARN"],
        created["VersionId"],
    )
    assert kept.secret_version_import_id == f"{created['ARN']}|{created['VersionId']}"


def test_a_bucket_kept_before_the_account_was_part_of_bucket_names_is_adopted_under_its_name(moto: str) -> None:
    keep_bucket(moto, ACME_TAGS, NAMES.legacy_bucket)
    assert find_kept_data(spec(), "acme", session(), moto).bucket == NAMES.legacy_bucket


def test_a_bucket_of_another_tenant_is_a_conflict_naming_the_tag(moto: str) -> None:
    keep_bucket(moto, naming.tags("saas", "dev", "globex"))
    with pytest.raises(KeptDataConflict) as raised:
        find_kept_data(spec(), "acme", session(), moto)
    assert raised.value.message == (
        f"bucket {NAMES.bucket} exists but is not tenant 'acme''s kept data (tenant=globex (expected acme))"
    )
    assert raised.value.exit_code == 2


def test_an_untagged_secret_is_a_conflict(moto: str) -> None:
    keep_secret(moto, {})
    with pytest.raises(KeptDataConflict) as raised:
        find_kept_data(spec(), "acme", session(), moto)
    assert raised.value.message.startswith(f"secret {NAMES.secret} exists but is not tenant 'acme''s kept data (")
    assert "managed-by=<missing> (expected saasctl)" in raised.value.message


def test_a_secret_scheduled_for_deletion_names_its_date_and_the_fix(moto: str) -> None:
    keep_secret(moto, ACME_TAGS)
    secrets: Any = client(moto, "secretsmanager")
    deleted = secrets.delete_secret(SecretId=NAMES.secret, RecoveryWindowInDays=7)["DeletionDate"]
    with pytest.raises(KeptDataConflict) as raised:
        find_kept_data(spec(), "acme", session(), moto)
    assert raised.value.message.startswith(f"secret {NAMES.secret} is scheduled for deletion (deleted ")
    assert (raised.value.hint or "").startswith(
        f"restore it to keep the tenant's secret: aws secretsmanager restore-secret --secret-id {NAMES.secret}"
    )
    assert deleted is not None


def test_a_bucket_owned_by_another_account_is_a_conflict(moto: str) -> None:
    other: Any = client(moto, "s3", **other_account_credentials(moto))
    other.create_bucket(Bucket=NAMES.bucket)
    with pytest.raises(KeptDataConflict) as raised:
        find_kept_data(spec(), "acme", session(), moto)
    assert raised.value.message == f"bucket {NAMES.bucket} exists but belongs to another AWS account"
