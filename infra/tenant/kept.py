"""A tenant's data kept in the account by an earlier destroy: adopted (imported) when the tenant comes back.

Pure (no pulumi import): saasctl finds the kept data through AWS and hands this to the tenant program.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeptData:
    """What to import instead of create. Empty fields are created as usual."""

    bucket: str | None = None  # the bucket's name: its import ID, and its settings resources'
    secret_arn: str | None = None
    secret_version_id: str | None = None  # the AWSCURRENT version, so the kept value is kept too

    @property
    def secret_version_import_id(self) -> str | None:
        if self.secret_arn and self.secret_version_id:
            return f"{self.secret_arn}|{self.secret_version_id}"
        return None

    def describe(self) -> list[str]:
        kept = [f"S3 bucket {self.bucket}"] if self.bucket else []
        return kept + ([f"secret {self.secret_arn}"] if self.secret_arn else [])


NOTHING_KEPT = KeptData()
