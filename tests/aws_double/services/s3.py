"""S3: the bucket and the settings saasctl gives it (ownership controls, public access block, default encryption,
versioning, policy), each a resource whose ID is the bucket's name, as terraform-provider-aws
``internal/service/s3`` (``bucket.go``, ``bucket_ownership_controls.go``, ``bucket_public_access_block.go``,
``bucket_server_side_encryption_configuration.go``, ``bucket_versioning.go``, ``bucket_policy.go``) makes them.

moto refuses a bucket name another account holds (``BucketAlreadyExists``) and, outside us-east-1, one this
account holds (``BucketAlreadyOwnedByYou``). In us-east-1 S3 answers a CreateBucket of one's own bucket with
success (moto ``s3/responses.py``, as AWS); the provider checks first and fails with ``BucketAlreadyExists``
(``resourceBucketCreate``: "Special case: us-east-1 does not return error if the bucket already exists and is
owned by current account"): modelled here.
"""

from __future__ import annotations

from typing import Any

from tests.aws_double.aws import Aws
from tests.aws_double.errors import ApiError, Refusal
from tests.aws_double.services.base import Created, Handler, Props, handles, read_or_none, without_none

US_EAST_1 = "us-east-1"
NO_BUCKET = "NoSuchBucket"


def _exists(aws: Aws, bucket: str) -> bool:
    try:
        aws.s3.head_bucket(Bucket=bucket)
    except ApiError as error:
        if error.status == 404 or error.code in (NO_BUCKET, "404", "NotFound"):
            return False
        raise
    return True


@handles
class Bucket(Handler):
    type = "aws:s3/bucket:Bucket"
    kind = "S3 Bucket"
    provider_only = frozenset({"forceDestroy"})

    def create(self, aws: Aws, inputs: Props) -> Created:
        bucket = inputs["bucket"]
        if aws.region == US_EAST_1 and _exists(aws, bucket):
            raise Refusal("BucketAlreadyExists")
        location = {} if aws.region == US_EAST_1 else {"LocationConstraint": aws.region}
        aws.s3.create_bucket(Bucket=bucket, **({"CreateBucketConfiguration": location} if location else {}))
        tags = aws.tag_list(inputs)
        if tags:
            aws.s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
        return Created(bucket, self._attributes(aws, bucket))

    def _attributes(self, aws: Aws, bucket: str) -> Props:
        return {
            "bucket": bucket,
            "arn": f"arn:aws:s3:::{bucket}",
            "bucketDomainName": f"{bucket}.s3.amazonaws.com",
            "bucketRegionalDomainName": f"{bucket}.s3.{aws.region}.amazonaws.com",
            "region": aws.region,
        }

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        if not _exists(aws, resource_id):
            return None
        # force_destroy lives only in the provider: the schema's default when nothing is known (an import).
        return {**self._attributes(aws, resource_id), "forceDestroy": bool((state or {}).get("forceDestroy", False))}

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        if state.get("forceDestroy"):
            _empty(aws, resource_id)
        aws.s3.delete_bucket(Bucket=resource_id)


def _empty(aws: Aws, bucket: str) -> None:
    """What force_destroy does before DeleteBucket: delete every object version and delete marker."""
    answer = aws.s3.list_object_versions(Bucket=bucket)
    doomed = [
        {"Key": item["Key"], "VersionId": item["VersionId"]}
        for item in answer.get("Versions", []) + answer.get("DeleteMarkers", [])
    ]
    if doomed:
        aws.s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})


class _Setting(Handler):
    """A bucket setting: one Put, one Get, one Delete of the bucket's subresource; its ID is the bucket's name."""

    missing_codes: tuple[str, ...] = ()

    def create(self, aws: Aws, inputs: Props) -> Created:
        self.put(aws, inputs["bucket"], inputs)
        return Created(inputs["bucket"], {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        found = read_or_none(lambda: self.get(aws, resource_id), NO_BUCKET, *self.missing_codes)
        return None if found is None else {"bucket": resource_id, **found}

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        self.put(aws, resource_id, news)

    def put(self, aws: Aws, bucket: str, inputs: Props) -> None:
        raise NotImplementedError

    def get(self, aws: Aws, bucket: str) -> Props | None:
        raise NotImplementedError


@handles
class BucketOwnershipControls(_Setting):
    type = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
    kind = "S3 Bucket Ownership Controls"
    missing_codes = ("OwnershipControlsNotFoundError",)

    def put(self, aws: Aws, bucket: str, inputs: Props) -> None:
        aws.s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": inputs["rule"]["objectOwnership"]}]}
        )

    def get(self, aws: Aws, bucket: str) -> Props | None:
        rules = aws.s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
        return {"rule": {"objectOwnership": rules[0]["ObjectOwnership"]}} if rules else None

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.s3.delete_bucket_ownership_controls(Bucket=resource_id)


_BLOCKS = {
    "blockPublicAcls": "BlockPublicAcls",
    "blockPublicPolicy": "BlockPublicPolicy",
    "ignorePublicAcls": "IgnorePublicAcls",
    "restrictPublicBuckets": "RestrictPublicBuckets",
}


@handles
class BucketPublicAccessBlock(_Setting):
    type = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
    kind = "S3 Bucket Public Access Block"
    missing_codes = ("NoSuchPublicAccessBlockConfiguration",)

    def put(self, aws: Aws, bucket: str, inputs: Props) -> None:
        aws.s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={api: bool(inputs.get(key, False)) for key, api in _BLOCKS.items()},
        )

    def get(self, aws: Aws, bucket: str) -> Props | None:
        block = aws.s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        return {key: bool(block.get(api, False)) for key, api in _BLOCKS.items()}

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.s3.delete_public_access_block(Bucket=resource_id)


@handles
class BucketServerSideEncryptionConfiguration(_Setting):
    type = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    kind = "S3 Bucket Server-side Encryption Configuration"
    missing_codes = ("ServerSideEncryptionConfigurationNotFoundError",)

    def put(self, aws: Aws, bucket: str, inputs: Props) -> None:
        rules = []
        for rule in inputs.get("rules") or []:
            default = rule.get("applyServerSideEncryptionByDefault") or {}
            rules.append(
                without_none(
                    {
                        "ApplyServerSideEncryptionByDefault": without_none(
                            {
                                "SSEAlgorithm": default.get("sseAlgorithm"),
                                "KMSMasterKeyID": default.get("kmsMasterKeyId"),
                            }
                        ),
                        "BucketKeyEnabled": rule.get("bucketKeyEnabled"),
                    }
                )
            )
        aws.s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": rules})

    def get(self, aws: Aws, bucket: str) -> Props | None:
        rules = aws.s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        shaped: list[dict[str, Any]] = []
        for rule in rules:
            default = rule.get("ApplyServerSideEncryptionByDefault") or {}
            shaped.append(
                without_none(
                    {
                        "applyServerSideEncryptionByDefault": without_none(
                            {
                                "sseAlgorithm": default.get("SSEAlgorithm"),
                                "kmsMasterKeyId": default.get("KMSMasterKeyID"),
                            }
                        ),
                        "bucketKeyEnabled": rule.get("BucketKeyEnabled"),
                    }
                )
            )
        return {"rules": shaped}

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.s3.delete_bucket_encryption(Bucket=resource_id)


@handles
class BucketVersioning(_Setting):
    """A delete suspends versioning: a bucket that was versioned can never be unversioned again
    (``resourceBucketVersioningDelete``)."""

    type = "aws:s3/bucketVersioning:BucketVersioning"
    kind = "S3 Bucket Versioning"

    def put(self, aws: Aws, bucket: str, inputs: Props) -> None:
        status = inputs["versioningConfiguration"]["status"]
        aws.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})

    def get(self, aws: Aws, bucket: str) -> Props | None:
        status = aws.s3.get_bucket_versioning(Bucket=bucket).get("Status")
        return {"versioningConfiguration": {"status": status}} if status else None

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.s3.put_bucket_versioning(Bucket=resource_id, VersioningConfiguration={"Status": "Suspended"})


@handles
class BucketPolicy(_Setting):
    type = "aws:s3/bucketPolicy:BucketPolicy"
    kind = "S3 Bucket Policy"
    missing_codes = ("NoSuchBucketPolicy",)

    def put(self, aws: Aws, bucket: str, inputs: Props) -> None:
        aws.s3.put_bucket_policy(Bucket=bucket, Policy=inputs["policy"])

    def get(self, aws: Aws, bucket: str) -> Props | None:
        return {"policy": aws.s3.get_bucket_policy(Bucket=bucket)["Policy"]}

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.s3.delete_bucket_policy(Bucket=resource_id)
