"""The tenant's Secrets Manager secret: an application secret and the database connection parameters."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import cast

import pulumi
import pulumi_aws as aws

# Days a deleted secret can still be restored; 0 (immediate) only when the tenant's data is to be deleted.
RECOVERY_WINDOW_DAYS = 30


@dataclass(frozen=True)
class SecretArgs:
    secret_name: str
    database_host: pulumi.Input[str]
    database_reader_host: pulumi.Input[str]
    database_port: pulumi.Input[int]
    database_name: str
    database_user: str
    delete_data: bool


class TenantSecret(pulumi.ComponentResource):
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: SecretArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:tenant:Secret", name, None, opts)
        secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            name=args.secret_name,
            description="Application secret and database connection of one saasctl tenant",
            recovery_window_in_days=0 if args.delete_data else RECOVERY_WINDOW_DAYS,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=not args.delete_data),
        )
        value = pulumi.Output.all(args.database_host, args.database_reader_host, args.database_port).apply(
            lambda hosts: json.dumps(
                {
                    # Generated in the program, but written only once: ignore_changes below keeps the first
                    # value for the life of the secret, so re-running the program never rotates it.
                    "app_secret": secrets.token_urlsafe(48),
                    "db_host": hosts[0],
                    "db_reader_host": hosts[1],
                    "db_port": hosts[2],
                    "db_name": args.database_name,
                    "db_user": args.database_user,
                }
            )
        )
        aws.secretsmanager.SecretVersion(
            f"{name}-value",
            secret_id=secret.id,
            secret_string=cast("pulumi.Output[str]", pulumi.Output.secret(value)),
            opts=pulumi.ResourceOptions(
                parent=self, ignore_changes=["secretString"], retain_on_delete=not args.delete_data
            ),
        )
        self.arn = secret.arn
        self.register_outputs({"arn": self.arn})
