"""The files of a self-managed (diy) Pulumi backend, read and deleted without the Pulumi CLI: a directory for
``file://``, a bucket for ``s3://``.

The layout (pulumi/pulumi pkg/v3 backend/diy, project-scoped: ``.pulumi/meta.yaml`` version 1): a stack's state
is ``.pulumi/stacks/<project>/<stack>.json`` (or ``.json.gz``), and each lock a JSON file under
``.pulumi/locks/organization/<project>/<stack>/`` (lock.go, ``stackLockDir`` of the fully qualified name).

An ``s3://`` URL carries its settings as query parameters, as the CLI's blob URL opener reads them
(gocloud.dev aws/aws.go ``V2ConfigFromURLParams``: region, endpoint, profile; blob/s3blob ``use_path_style`` and
its older spelling ``s3ForcePathStyle``): the same URL reaches the same bucket from boto3.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from saas_ctl.errors import UsageError

BOOKKEEPING = ".pulumi"
ORGANIZATION = "organization"


class BackendFiles(Protocol):
    @property
    def url(self) -> str: ...

    def keys(self, prefix: str) -> list[str]:
        """Every key under ``prefix`` (relative to the backend's root)."""
        ...

    def read(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


@dataclass(frozen=True)
class DirectoryFiles:
    root: Path
    url: str

    def keys(self, prefix: str) -> list[str]:
        base = self.root / prefix
        if not base.is_dir():
            return []
        return sorted(str(p.relative_to(self.root)) for p in base.rglob("*") if p.is_file())

    def read(self, key: str) -> bytes | None:
        path = self.root / key
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)


@dataclass(frozen=True)
class BucketFiles:
    client: Any
    bucket: str
    prefix: str  # "" or "some/prefix/"
    url: str

    def keys(self, prefix: str) -> list[str]:
        from saas_ctl.aws.session import boundary

        found: list[str] = []
        with boundary(f"listing s3://{self.bucket}/{self.prefix}{prefix}"):
            for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix + prefix
            ):
                found += [item["Key"].removeprefix(self.prefix) for item in page.get("Contents", [])]
        return sorted(found)

    def read(self, key: str) -> bytes | None:
        from saas_ctl.aws.session import ask

        answer = ask(
            f"reading s3://{self.bucket}/{self.prefix}{key}",
            lambda: self.client.get_object(Bucket=self.bucket, Key=self.prefix + key),
            missing=("NoSuchKey", 404),
        )
        return None if answer is None else bytes(answer["Body"].read())

    def delete(self, key: str) -> None:
        from saas_ctl.aws.session import boundary

        with boundary(f"deleting s3://{self.bucket}/{self.prefix}{key}"):
            self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)


def open_backend(url: str) -> BackendFiles:
    """The files of the backend at ``url``; a usage error for a backend whose files saasctl cannot reach."""
    from saas_ctl.state.location import file_directory

    directory = file_directory(url)
    if directory is not None:
        return DirectoryFiles(directory, url)
    if url.startswith("s3://"):
        return _bucket(url)
    raise UsageError(
        f"the state tools read self-managed backends (file://, s3://); {url} is not one",
        hint="on Pulumi Cloud use `pulumi cancel` and `pulumi stack rm` with the stack's name",
    )


def _bucket(url: str) -> BucketFiles:
    import boto3
    from botocore.config import Config

    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    path_style = "true" in (query.get("use_path_style", ""), query.get("s3ForcePathStyle", ""))
    session = boto3.Session(profile_name=query["profile"]) if "profile" in query else boto3.Session()
    client = session.client(
        "s3",
        region_name=query.get("region"),
        endpoint_url=query.get("endpoint"),
        config=Config(s3={"addressing_style": "path" if path_style else "auto"}),
    )
    prefix = parts.path.strip("/")
    return BucketFiles(client, parts.netloc, f"{prefix}/" if prefix else "", url)


# ---- where a stack's files are -----------------------------------------------------------------------


def stack_keys(project: str, stack: str) -> tuple[str, str]:
    """The keys a stack's state may have: plain and compressed."""
    base = f"{BOOKKEEPING}/stacks/{project}/{stack}.json"
    return base, base + ".gz"


def lock_prefix(project: str, stack: str) -> str:
    return f"{BOOKKEEPING}/locks/{ORGANIZATION}/{project}/{stack}/"


def checkpoint(files: BackendFiles, project: str, stack: str) -> dict[str, Any] | None:
    """The stack's state document (``{"version": 3, "checkpoint": {...}}``), or None when the stack does not
    exist."""
    import json

    plain, compressed = stack_keys(project, stack)
    raw = files.read(plain)
    if raw is None:
        packed = files.read(compressed)
        raw = None if packed is None else gzip.decompress(packed)
    if raw is None:
        return None
    document: dict[str, Any] = json.loads(raw)
    return document
