"""The tenant's Secrets Manager secret: the application secret, generated once and kept for the tenant's life.

Only the secret lives here. The database connection (host, port, name, user) is not secret — the task role
authenticates with IAM — and may change (a re-created platform has a new endpoint), so it is plain task
environment, updated by every `tenant up`, instead of a value frozen inside the secret.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import cast

import pulumi
import pulumi_aws as aws

from infra.naming import SECRET_KEYS  # the secret's JSON keys, each given to the container upper-cased

# Days a deleted secret can still be restored; 0 (immediate) only when the tenant's data is to be deleted.
RECOVERY_WINDOW_DAYS = 30


@dataclass(frozen=True)
class SecretArgs:
    secret_name: str
    delete_data: bool
    adopt_arn: str | None = None  # a secret kept by an earlier destroy: import it ...
    adopt_version: str | None = None  # ... and its current value ("<arn>|<version id>")


class TenantSecret(pulumi.ComponentResource):
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: SecretArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:tenant:Secret", name, None, opts)
        keep = not args.delete_data
        secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            name=args.secret_name,
            description="Application secret of one saasctl tenant",
            recovery_window_in_days=0 if args.delete_data else RECOVERY_WINDOW_DAYS,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=keep, import_=args.adopt_arn),
        )
        # Generated in the program, but written only once: ignore_changes keeps the first value for the life
        # of the secret, so re-running the program never rotates it (and an adopted secret keeps its value).
        value = json.dumps({key: secrets.token_urlsafe(48) for key in SECRET_KEYS})
        aws.secretsmanager.SecretVersion(
            f"{name}-value",
            secret_id=secret.id,
            secret_string=cast("pulumi.Output[str]", pulumi.Output.secret(value)),
            opts=pulumi.ResourceOptions(
                parent=self, ignore_changes=["secretString"], retain_on_delete=keep, import_=args.adopt_version
            ),
        )
        self.arn = secret.arn
        self.register_outputs({"arn": self.arn})
