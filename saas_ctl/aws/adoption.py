"""Re-adding a tenant whose data was kept: find the kept bucket and secret in AWS and decide to adopt them.

`tenant destroy` keeps a tenant's bucket and secret (retained, with every setting that protects the bucket).
When the tenant comes back, its program would create them again and AWS would refuse (the names are taken),
so before a tenant's first deploy saasctl looks for them and, when they carry this tenant's saasctl tags,
hands them to the program to import instead of create. Anything else under those names is refused before
anything is touched, with what it is and what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra import naming
from infra.tenant.kept import NOTHING_KEPT, KeptData
from saas_ctl.aws.session import AwsError, ask, boundary
from saas_ctl.errors import EXIT_INVALID, SaasctlError
from saas_ctl.spec.models import TenantsFile

_NO_BUCKET: frozenset[str | int] = frozenset({404, "404", "NoSuchBucket", "NotFound"})
_NO_SECRET: frozenset[str | int] = frozenset({"ResourceNotFoundException"})
_NO_TAGS: frozenset[str | int] = frozenset({"NoSuchTagSet"})


class KeptDataConflict(SaasctlError):
    """Something under a tenant's bucket or secret name that saasctl cannot adopt: exit 2, nothing touched."""

    exit_code = EXIT_INVALID


@dataclass(frozen=True)
class Owner:
    """The tags that make a resource this tenant's saasctl data."""

    project: str
    environment: str
    tenant: str

    @classmethod
    def of(cls, spec: TenantsFile, tenant: str) -> Owner:
        return cls(spec.platform.project, spec.platform.environment, tenant)

    def expected(self) -> dict[str, str]:
        generated = naming.tags(self.project, self.environment, self.tenant)
        return {key: generated[key] for key in naming.GENERATED_TAG_KEYS}

    def mismatch(self, tags: Mapping[str, str]) -> str | None:
        """None when ``tags`` mark this tenant's data, else what differs."""
        wrong = [
            f"{k}={tags.get(k, '<missing>')!s} (expected {v})" for k, v in self.expected().items() if tags.get(k) != v
        ]
        return ", ".join(wrong) or None


def bucket_tags(s3: Any, bucket: str) -> dict[str, str]:
    """A bucket's tags; none at all is an empty dict (S3 answers NoSuchTagSet)."""
    answer = ask(
        f"could not read the tags of bucket {bucket}", lambda: s3.get_bucket_tagging(Bucket=bucket), {"NoSuchTagSet"}
    )
    return {t["Key"]: t["Value"] for t in (answer or {}).get("TagSet", [])}


def _foreign_bucket(bucket: str) -> KeptDataConflict:
    return KeptDataConflict(
        f"bucket {bucket} exists but belongs to another AWS account",
        hint="bucket names are global: change the project, environment or tenant name",
    )


def kept_bucket(s3: Any, bucket: str, owner: Owner) -> str | None:
    """The bucket's name when it is this tenant's kept bucket; None when it does not exist."""
    try:
        found = ask(f"could not look for bucket {bucket}", lambda: s3.head_bucket(Bucket=bucket), _NO_BUCKET)
    except AwsError as exc:
        if exc.status == 403:
            raise _foreign_bucket(bucket) from None
        raise
    if found is None:
        return None
    # HeadBucket answers 200 for a bucket of another account that grants us access; only our own list knows.
    with boundary("could not list the account's buckets"):
        ours = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in ours:
        raise _foreign_bucket(bucket)
    wrong = owner.mismatch(bucket_tags(s3, bucket))
    if wrong:
        raise KeptDataConflict(
            f"bucket {bucket} exists but is not tenant {owner.tenant!r}'s kept data ({wrong})",
            hint=f"if it is not needed: aws s3 rb s3://{bucket} --force; otherwise rename the tenant",
        )
    return bucket


def kept_secret(secretsmanager: Any, name: str, owner: Owner) -> tuple[str, str | None] | None:
    """(ARN, current version ID) when the secret is this tenant's kept secret; None when it does not exist."""
    secret = ask(f"could not look for secret {name}", lambda: secretsmanager.describe_secret(SecretId=name), _NO_SECRET)
    if secret is None:
        return None
    if secret.get("DeletedDate"):
        when = secret["DeletedDate"]
        raise KeptDataConflict(
            f"secret {name} is scheduled for deletion (deleted {when:%Y-%m-%d %H:%M} UTC; Secrets Manager removes "
            "it when its recovery window ends): it can be neither adopted nor created until then",
            hint=f"restore it to keep the tenant's secret: aws secretsmanager restore-secret --secret-id {name}  "
            f"(or delete it now: aws secretsmanager delete-secret --secret-id {name} "
            "--force-delete-without-recovery)",
        )
    tags = {t["Key"]: t["Value"] for t in secret.get("Tags", [])}
    wrong = owner.mismatch(tags)
    if wrong:
        raise KeptDataConflict(
            f"secret {name} exists but is not tenant {owner.tenant!r}'s kept data ({wrong})",
            hint=f"if it is not needed: aws secretsmanager delete-secret --secret-id {name} "
            "--force-delete-without-recovery",
        )
    current = [v for v, stages in (secret.get("VersionIdsToStages") or {}).items() if "AWSCURRENT" in stages]
    return str(secret["ARN"]), (current[0] if current else None)


def account_of(session: Any, region: str, endpoint_url: str | None = None) -> str:
    """The account of ``session``'s credentials (sts:GetCallerIdentity needs no permission)."""
    sts = session.client("sts", region_name=region, endpoint_url=endpoint_url)
    with boundary("could not ask AWS which account the credentials are for"):
        return str(sts.get_caller_identity()["Account"])


def find_kept_data(
    spec: TenantsFile, tenant: str, session: Any, endpoint_url: str | None = None, account: str | None = None
) -> KeptData:
    """What an earlier destroy kept of ``tenant`` (to adopt), or :class:`KeptDataConflict`. ``account``: the
    credentials' account, when the caller knows it already. A bucket kept before the account was part of bucket
    names is found (and adopted) under the name it has."""
    from botocore.config import Config

    region = spec.platform.region
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=20)
    account = account or account_of(session, region, endpoint_url)
    names = naming.TenantNames(spec.platform.project, spec.platform.environment, region, tenant, account)
    owner = Owner.of(spec, tenant)
    s3 = session.client("s3", region_name=region, endpoint_url=endpoint_url, config=config)
    secrets = session.client("secretsmanager", region_name=region, endpoint_url=endpoint_url, config=config)
    bucket = kept_bucket(s3, names.bucket, owner) or kept_bucket(s3, names.legacy_bucket, owner)
    secret = kept_secret(secrets, names.secret, owner)
    if bucket is None and secret is None:
        return NOTHING_KEPT
    arn, version = secret if secret else (None, None)
    return KeptData(bucket=bucket, secret_arn=arn, secret_version_id=version)
