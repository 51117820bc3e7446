"""IAM policy documents as plain data: pure functions, testable without Pulumi."""

from __future__ import annotations

import json
import re
from typing import Any

Statement = dict[str, Any]


def document(*statements: Statement) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, separators=(",", ":"))


def allow(actions: list[str], resources: list[str], sid: str) -> Statement:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


def assume_role_by(service: str) -> str:
    return document({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})


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


_PRIVATE_ECR = re.compile(
    r"(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?P<cn>\.cn)?/"
    r"(?P<repository>[a-z0-9][a-z0-9._/-]*?)(?::[\w][\w.-]*)?(?:@sha256:[0-9a-f]{64})?"
)


def ecr_repository_arn(image: str) -> str | None:
    """The private ECR repository an image is pulled from, or None (a public image needs no ECR permission)."""
    match = _PRIVATE_ECR.fullmatch(image)
    if match is None:
        return None
    partition = "aws-cn" if match.group("cn") else "aws"
    return (
        f"arn:{partition}:ecr:{match.group('region')}:{match.group('account')}:repository/{match.group('repository')}"
    )


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
