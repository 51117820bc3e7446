"""Secrets Manager: a secret and a version of its value, as terraform-provider-aws
``internal/service/secretsmanager`` (``secret.go``, ``secret_version.go``) makes them, on moto's Secrets Manager.

A secret's ID is its ARN; a version's is ``<secret ARN>|<version ID>``. A secret scheduled for deletion reads as
gone (``findSecretByID``: DeletedDate set). ``recovery_window_in_days`` lives only in the provider (schema default
30): 0 deletes without recovery.
"""

from __future__ import annotations

import uuid

from tests.aws_double.aws import Aws
from tests.aws_double.services.base import Created, Handler, Props, handles, read_or_none, without_none

NOT_FOUND = "ResourceNotFoundException"
DEFAULT_RECOVERY_WINDOW_DAYS = 30
CURRENT = "AWSCURRENT"


@handles
class Secret(Handler):
    type = "aws:secretsmanager/secret:Secret"
    kind = "Secrets Manager Secret"
    provider_only = frozenset({"recoveryWindowInDays", "forceOverwriteReplicaSecret"})

    def create(self, aws: Aws, inputs: Props) -> Created:
        secret = aws.secrets.create_secret(
            Name=inputs["name"],
            ClientRequestToken=str(uuid.uuid4()),
            Description=inputs.get("description") or "",
            Tags=aws.tag_list(inputs),
            **without_none({"KmsKeyId": inputs.get("kmsKeyId")}),
        )
        return Created(secret["ARN"], {"arn": secret["ARN"]})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            secret = aws.secrets.describe_secret(SecretId=resource_id)
            if secret.get("DeletedDate"):
                return None
            window = (state or {}).get("recoveryWindowInDays", DEFAULT_RECOVERY_WINDOW_DAYS)
            return without_none(
                {
                    "arn": secret["ARN"],
                    "name": secret["Name"],
                    "description": secret.get("Description"),
                    "kmsKeyId": secret.get("KmsKeyId"),
                    "recoveryWindowInDays": window,
                }
            )

        return read_or_none(get, NOT_FOUND)

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"description", "kmsKeyId"}:
            super().apply(aws, resource_id, olds, news, changed - {"description", "kmsKeyId"})
        aws.secrets.update_secret(
            SecretId=resource_id,
            ClientRequestToken=str(uuid.uuid4()),
            Description=news.get("description") or "",
            **without_none({"KmsKeyId": news.get("kmsKeyId")}),
        )

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        window = int(state.get("recoveryWindowInDays", DEFAULT_RECOVERY_WINDOW_DAYS))
        if window == 0:
            aws.secrets.delete_secret(SecretId=resource_id, ForceDeleteWithoutRecovery=True)
        else:
            aws.secrets.delete_secret(SecretId=resource_id, RecoveryWindowInDays=window)


@handles
class SecretVersion(Handler):
    type = "aws:secretsmanager/secretVersion:SecretVersion"
    kind = "Secrets Manager Secret Version"

    def create(self, aws: Aws, inputs: Props) -> Created:
        version = aws.secrets.put_secret_value(
            SecretId=inputs["secretId"],
            ClientRequestToken=str(uuid.uuid4()),
            **without_none(
                {
                    "SecretString": inputs.get("secretString"),
                    "VersionStages": inputs.get("versionStages"),
                }
            ),
        )
        resource_id = f"{version['ARN']}|{version['VersionId']}"
        return Created(resource_id, self.read(aws, resource_id) or {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        secret_id, _, version_id = resource_id.partition("|")

        def get() -> Props | None:
            value = aws.secrets.get_secret_value(SecretId=secret_id, VersionId=version_id)
            return without_none(
                {
                    "arn": value["ARN"],
                    "secretId": value["ARN"],
                    "versionId": value["VersionId"],
                    "versionStages": value.get("VersionStages", []),
                    "secretString": value.get("SecretString"),
                }
            )

        # A secret scheduled for deletion answers InvalidRequestException: its versions are gone with it.
        return read_or_none(get, NOT_FOUND, "InvalidRequestException")

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        """AWSCURRENT cannot be taken off a version: the version stays with the secret; any other stage is
        removed (``resourceSecretVersionDelete``)."""
        current = self.read(aws, resource_id)
        if current is None:
            return
        secret_id, _, version_id = resource_id.partition("|")
        for stage in current.get("versionStages", []):
            if stage != CURRENT:
                aws.secrets.update_secret_version_stage(
                    SecretId=secret_id, VersionStage=stage, RemoveFromVersionId=version_id
                )
