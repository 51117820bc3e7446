"""IAM policy documents as plain data: pure functions, testable without Pulumi."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from infra import aws_limits as limits

Statement = dict[str, Any]


def document(*statements: Statement) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, separators=(",", ":"))


def allow(actions: list[str], resources: list[str], sid: str) -> Statement:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


def assume_role_by(service: str) -> str:
    return document({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})


def assume_role_by_ecs_tasks(region: str, account: str) -> str:
    """The trust policy of a tenant's task role: ECS tasks may assume it, and only tasks ECS runs for this account
    in this Region. ECS Developer Guide, "Amazon ECS task IAM role": "it is recommended that you use the
    aws:SourceAccount or aws:SourceArn condition keys in the trust relationship policy ... to prevent the confused
    deputy security issue. Using the aws:SourceArn condition key to specify a specific cluster is not currently
    supported, you should use the wildcard to specify all clusters" (its example: ArnLike aws:SourceArn
    arn:aws:ecs:us-west-2:111122223333:* with StringEquals aws:SourceAccount 111122223333). The ARN takes the
    Region's partition (arn:aws-cn:..., arn:aws-us-gov:...)."""
    partition = limits.partition_of(region).name
    return document(
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnLike": {"aws:SourceArn": f"arn:{partition}:ecs:{region}:{account}:*"},
                "StringEquals": {"aws:SourceAccount": account},
            },
        }
    )


def deny_insecure_transport(bucket_arn: str) -> str:
    return document(
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )


# A private ECR image: <account>.dkr.ecr[-fips].<region>.<partition's DNS suffix>/<repository>[:tag][@digest]
# (ECR User Guide, "Private registry concepts"; tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}, ASCII only).
_PRIVATE_ECR = re.compile(
    rf"(?P<account>{limits.ACCOUNT_ID})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.(?P<suffix>amazonaws\.com(?:\.cn)?)/"
    r"(?P<repository>[a-z0-9][a-z0-9._/-]*?)(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?(?:@sha256:[0-9a-f]{64})?"
)


@dataclass(frozen=True)
class EcrImage:
    """Where a private ECR image lives: its registry's account, Region and host suffix, and its repository."""

    account: str
    region: str
    dns_suffix: str
    repository: str

    @property
    def repository_arn(self) -> str:
        # The ARN's partition is the Region's: arn:aws-cn:ecr:cn-north-1:... (IAM refuses another partition's).
        partition = limits.partition_of(self.region).name
        return f"arn:{partition}:ecr:{self.region}:{self.account}:repository/{self.repository}"


def ecr_image(image: str) -> EcrImage | None:
    """The private ECR registry an image is pulled from, or None for any other registry."""
    match = _PRIVATE_ECR.fullmatch(image)
    if match is None:
        return None
    return EcrImage(match["account"], match["region"], match["suffix"], match["repository"])


def ecr_repository_arn(image: str) -> str | None:
    """The private ECR repository an image is pulled from, or None (a public image needs no ECR permission)."""
    found = ecr_image(image)
    return found.repository_arn if found else None


def execution_policy(log_group_arn: str, secret_arn: str, image_repository_arn: str | None = None) -> str:
    """What ECS needs to start the tenant's task: pull its own image (from its own repository, when that is a
    private ECR repository; a public image needs nothing), write its logs, read its secret."""
    pull: list[Statement] = []
    if image_repository_arn:
        pull = [
            # GetAuthorizationToken has no resource-level permissions: AWS requires "*".
            allow(["ecr:GetAuthorizationToken"], ["*"], "EcrToken"),
            allow(
                ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                [image_repository_arn],
                "PullTenantImage",
            ),
        ]
    return document(
        *pull,
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], [f"{log_group_arn}:*"], "WriteTenantLogs"),
        allow(["secretsmanager:GetSecretValue"], [secret_arn], "ReadTenantSecret"),
    )


def task_policy(bucket_arn: str, secret_arn: str, db_user_arn: str) -> str:
    """What the tenant's application may do: its own bucket, its own secret, its own database user."""
    return document(
        allow(["s3:ListBucket", "s3:GetBucketLocation"], [bucket_arn], "ListTenantBucket"),
        allow(
            ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            [f"{bucket_arn}/*"],
            "TenantObjects",
        ),
        allow(["secretsmanager:GetSecretValue"], [secret_arn], "ReadTenantSecret"),
        allow(["rds-db:connect"], [db_user_arn], "ConnectAsTenantDatabaseUser"),
    )
