"""IAM policy documents as plain data: pure functions, testable without Pulumi."""

from __future__ import annotations

import json
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


def execution_policy(log_group_arn: str, secret_arn: str) -> str:
    """What ECS needs to start the tenant's task: pull the image, write its logs, read its secret."""
    return document(
        # GetAuthorizationToken has no resource-level permissions: AWS requires "*".
        allow(["ecr:GetAuthorizationToken"], ["*"], "EcrToken"),
        allow(
            ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], ["*"], "PullImage"
        ),
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
