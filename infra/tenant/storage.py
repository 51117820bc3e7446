"""The tenant's S3 bucket: encrypted, versioned, private, owner-enforced, TLS only."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import policies


@dataclass(frozen=True)
class StorageArgs:
    bucket_name: str
    delete_data: bool
    adopt: bool = False  # the bucket was kept by an earlier destroy: import it and its settings


class TenantStorage(pulumi.ComponentResource):
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:tenant:Storage", name, None, opts)
        # Tenant data outlives the stack unless deletion is asked for explicitly: the bucket *and every
        # setting that protects it* (versioning, encryption, public-access block, ownership, TLS-only policy)
        # are retained when the stack is destroyed; deleting a setting resource would strip that protection
        # from the kept data. When the tenant comes back, all of them are imported, not created.
        keep = not args.delete_data
        imported = args.bucket_name if args.adopt else None
        child = pulumi.ResourceOptions(parent=self, retain_on_delete=keep, import_=imported)
        # A bucket deployed before its name carried the account keeps the name it has (a new name would be a new,
        # empty bucket); a new bucket gets the new name.
        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            force_destroy=args.delete_data,
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(ignore_changes=["bucket"])),
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=(
                        aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                            sse_algorithm="aws:kms"
                        )
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=child,
        )
        aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket.id,
            policy=bucket.arn.apply(policies.deny_insecure_transport),
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[block])),
        )
        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.register_outputs({"bucket_name": self.bucket_name})
