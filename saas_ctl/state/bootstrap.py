"""`saasctl state init`: the S3 bucket and KMS key a team's state lives in, made once and checked every time.

The bucket keeps every version of every state file (a bad update can be undone), encrypts at rest (SSE-S3)
and blocks every kind of public access; the KMS key, found by its alias, encrypts the stacks' secrets
(Pulumi's ``awskms://`` secrets provider) and rotates yearly. Run again, it changes nothing that is already so
and says what it found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from saas_ctl.aws.session import AwsError, ask, boundary
from saas_ctl.errors import Refused

PUBLIC_ACCESS_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


@dataclass(frozen=True)
class Request:
    bucket: str
    key_alias: str  # without the alias/ prefix
    region: str
    prefix: str = ""
    endpoint_url: str | None = None  # an AWS-compatible endpoint (an emulator)


@dataclass
class Initialised:
    request: Request
    made: list[str] = field(default_factory=list)  # what this run created or turned on
    found: list[str] = field(default_factory=list)  # what was already so
    key_id: str = ""

    @property
    def backend(self) -> str:
        query: dict[str, str] = {"region": self.request.region}
        if self.request.endpoint_url:  # the Pulumi CLI's blob URL settings (saas_ctl/state/storage.py)
            query |= {"endpoint": self.request.endpoint_url, "s3ForcePathStyle": "true"}
        prefix = f"/{self.request.prefix.strip('/')}" if self.request.prefix.strip("/") else ""
        return f"s3://{self.request.bucket}{prefix}?{urlencode(query, safe=':/')}"

    @property
    def secrets_provider(self) -> str:
        query: dict[str, str] = {"region": self.request.region}
        if self.request.endpoint_url:
            query["endpoint"] = self.request.endpoint_url
        return f"awskms://alias/{self.request.key_alias}?{urlencode(query, safe=':/')}"

    def lines(self) -> list[str]:
        """What to paste under ``platform:`` in tenants.yaml."""
        return ["  state:", f"    backend: {self.backend}", f"    secrets_provider: {self.secrets_provider}"]

    def to_json(self) -> dict[str, Any]:
        return {
            "bucket": self.request.bucket,
            "key_alias": f"alias/{self.request.key_alias}",
            "key_id": self.key_id,
            "made": self.made,
            "found": self.found,
            "state": {"backend": self.backend, "secrets_provider": self.secrets_provider},
        }


def initialise(session: Any, request: Request) -> Initialised:
    done = Initialised(request)
    s3 = session.client("s3", region_name=request.region, endpoint_url=request.endpoint_url)
    kms = session.client("kms", region_name=request.region, endpoint_url=request.endpoint_url)
    _bucket(s3, request, done)
    _key(kms, request, done)
    return done


def _bucket(s3: Any, request: Request, done: Initialised) -> None:
    name = request.bucket
    try:
        exists = ask(f"looking for bucket {name}", lambda: s3.head_bucket(Bucket=name), missing=(404, "NoSuchBucket"))
    except AwsError as exc:
        if exc.status == 403:
            raise Refused(
                f"bucket {name} exists and belongs to another account", hint="choose another --bucket"
            ) from None
        raise
    if exists is None:
        with boundary(f"creating bucket {name}"):
            where = (
                {}
                if request.region == "us-east-1"
                else {"CreateBucketConfiguration": {"LocationConstraint": request.region}}
            )
            s3.create_bucket(Bucket=name, **where)
        done.made.append(f"bucket {name}")
    else:
        done.found.append(f"bucket {name}")
    versioning = ask(f"reading the versioning of {name}", lambda: s3.get_bucket_versioning(Bucket=name)) or {}
    if versioning.get("Status") == "Enabled":
        done.found.append("versioning")
    else:
        with boundary(f"turning on the versioning of {name}"):
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        done.made.append("versioning")
    encryption = ask(
        f"reading the encryption of {name}",
        lambda: s3.get_bucket_encryption(Bucket=name),
        missing=("ServerSideEncryptionConfigurationNotFoundError",),
    )
    if encryption and encryption.get("ServerSideEncryptionConfiguration", {}).get("Rules"):
        done.found.append("encryption")
    else:
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        with boundary(f"turning on the encryption of {name}"):
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
        done.made.append("encryption")
    blocked = ask(
        f"reading the public access block of {name}",
        lambda: s3.get_public_access_block(Bucket=name),
        missing=("NoSuchPublicAccessBlockConfiguration",),
    )
    if blocked and blocked.get("PublicAccessBlockConfiguration") == PUBLIC_ACCESS_BLOCKED:
        done.found.append("public access block")
    else:
        with boundary(f"blocking public access to {name}"):
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCKED)
        done.made.append("public access block")


def _key(kms: Any, request: Request, done: Initialised) -> None:
    alias = f"alias/{request.key_alias}"
    described = ask(
        f"looking for KMS key {alias}", lambda: kms.describe_key(KeyId=alias), missing=("NotFoundException",)
    )
    if described is not None:
        done.key_id = str(described["KeyMetadata"]["KeyId"])
        done.found.append(f"KMS key {alias}")
    else:
        with boundary(f"creating KMS key {alias}"):
            key = kms.create_key(
                Description="saasctl: encrypts the secrets in Pulumi stack state",
                Tags=[{"TagKey": "managed-by", "TagValue": "saasctl"}],
            )
            done.key_id = str(key["KeyMetadata"]["KeyId"])
            kms.create_alias(AliasName=alias, TargetKeyId=done.key_id)
        done.made.append(f"KMS key {alias}")
    rotation = ask(f"reading the rotation of {alias}", lambda: kms.get_key_rotation_status(KeyId=done.key_id)) or {}
    if rotation.get("KeyRotationEnabled"):
        done.found.append("key rotation")
    else:
        with boundary(f"turning on the rotation of {alias}"):
            kms.enable_key_rotation(KeyId=done.key_id)
        done.made.append("key rotation")
