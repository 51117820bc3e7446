"""What saasctl reads and writes in a self-managed state backend itself, without starting the Pulumi CLI: the
fingerprint records kept beside the stacks' state, whether a stack exists, and a stack's outputs from its
checkpoint.

Both backends saasctl reads directly are blob stores with one layout (pulumi/pkg/backend/diy: a project-scoped
backend keeps ``.pulumi/stacks/<project>/<stack>.json``): a directory (``file://``) and an S3 bucket and prefix
(``s3://bucket/prefix?region=...&endpoint=...``, read with boto3). The records are one small JSON document per
stack under ``saasctl-fingerprints/<project>/``: not in ``.pulumi/stacks/`` (the CLI would list them as
stacks) and not in the stack's outputs (a changed output is itself a change to deploy). Any other backend
(Pulumi Cloud) answers None: the caller then asks the CLI, or runs every stack.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from saas_ctl.engine.changes import SECRET_SIGNATURE
from saas_ctl.engine.fingerprints import Fingerprint

RECORDS = "saasctl-fingerprints"

ROOT_TYPE = "pulumi:pulumi:Stack"


class Blobs(Protocol):
    """Keys relative to the backend's root, '/'-separated."""

    def read(self, key: str) -> bytes | None: ...
    def read_all(self, prefix: str) -> dict[str, bytes]: ...  # every key under ``prefix``, by its last part
    def write(self, key: str, data: bytes) -> None: ...
    def delete(self, key: str) -> None: ...


class Directory:
    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, key: str) -> bytes | None:
        try:
            return (self.root / key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def read_all(self, prefix: str) -> dict[str, bytes]:
        folder = self.root / prefix
        if not folder.is_dir():
            return {}
        found = {}
        for entry in folder.iterdir():
            with contextlib.suppress(FileNotFoundError):  # removed meanwhile by another run's forget
                found[entry.name] = entry.read_bytes()
        return found

    def write(self, key: str, data: bytes) -> None:
        """Atomically: a reader sees the old record or the new one, never half of one."""
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)


class Bucket:
    """An S3 bucket under a prefix. Requests go where the Pulumi CLI's would (the URL's region and endpoint)."""

    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    def key(self, key: str) -> str:
        """The object key of ``key``, a path relative to the backend's root."""
        return f"{self.prefix}/{key}" if self.prefix else key

    def read(self, key: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(key))
        except self.client.exceptions.NoSuchKey:
            return None
        return bytes(answer["Body"].read())

    def read_all(self, prefix: str) -> dict[str, bytes]:
        keys = [
            item["Key"]
            for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.key(prefix).rstrip("/") + "/"
            )
            for item in page.get("Contents", [])
        ]

        def get(key: str) -> tuple[str, bytes | None]:
            try:
                return key, bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
            except self.client.exceptions.NoSuchKey:
                return key, None

        with ThreadPoolExecutor(max_workers=16) as pool:  # a GET per stack: in parallel, a fleet in seconds
            return {key.rsplit("/", 1)[-1]: data for key, data in pool.map(get, keys) if data is not None}

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.key(key), Body=data)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(key))


def blobs(url: str) -> Blobs | None:
    """The backend at ``url`` when saasctl can read it itself; None for any other (Pulumi Cloud)."""
    if url.startswith("file://"):
        return Directory(Path(url.removeprefix("file://")))
    if url.startswith("s3://"):
        return bucket(url)
    return None


def bucket(url: str) -> Bucket:
    """The S3 bucket an ``s3://`` backend URL names (its query's profile, region, endpoint and path style)."""
    import boto3

    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    from botocore.config import Config

    session = boto3.Session(profile_name=query["profile"]) if query.get("profile") else boto3.Session()
    # Path-style requests where the URL asks for them (gocloud.dev blob/s3blob: use_path_style, or its older
    # spelling s3ForcePathStyle), as an S3-compatible endpoint without per-bucket host names needs.
    path_style = "true" in (query.get("use_path_style", "").lower(), query.get("s3ForcePathStyle", "").lower())
    client = session.client(
        "s3",
        region_name=query.get("region"),
        endpoint_url=query.get("endpoint"),
        config=Config(s3={"addressing_style": "path" if path_style else "auto"}),
    )
    return Bucket(client, parts.netloc, parts.path)


# ---- fingerprints ---------------------------------------------------------------------------------------


def _record_key(project: str, stack: str) -> str:
    return f"{RECORDS}/{project}/{stack}.json"


def read_fingerprints(url: str, project: str) -> dict[str, Fingerprint] | None:
    """Every recorded fingerprint of ``project``'s stacks, by stack name, read at once from the backend at
    ``url``; None when saasctl cannot read that backend itself or the read fails (every stack then runs)."""
    store = blobs(url)
    if store is None:
        return None
    try:
        documents = store.read_all(f"{RECORDS}/{project}")
    except Exception:  # no credentials, no bucket: nothing known, nothing skipped
        return None
    found = {}
    for name, data in documents.items():
        if not name.endswith(".json") or name.startswith("."):
            continue
        with contextlib.suppress(ValueError):
            record = Fingerprint.from_json(json.loads(data))
            if record is not None:
                found[name.removesuffix(".json")] = record
    return found


def write_fingerprint(url: str, project: str, stack: str, fingerprint: Fingerprint | None) -> None:
    """Record ``fingerprint`` for the stack (after a successful up), or forget its record (None: before an
    operation that may change it). Raises when the backend refuses."""
    store = blobs(url)
    if store is None:
        return
    key = _record_key(project, stack)
    if fingerprint is None:
        store.delete(key)
        return
    stamped = Fingerprint(fingerprint.parts, fingerprint.versions, datetime.now(UTC).isoformat(timespec="seconds"))
    store.write(key, json.dumps(stamped.to_json(), indent=1).encode())


# ---- the stacks' own state --------------------------------------------------------------------------------


def checkpoint(store: Blobs, project: str, stack: str) -> dict[str, Any] | None:
    """The stack's state document (``{"version": 3, "checkpoint": {...}}``); None when it has none."""
    for suffix, unpack in ((".json", lambda b: b), (".json.gz", gzip.decompress)):
        data = store.read(f".pulumi/stacks/{project}/{stack}{suffix}")
        if data is not None:
            with contextlib.suppress(ValueError, OSError):
                loaded = json.loads(unpack(data))
                return loaded if isinstance(loaded, dict) else None
            return None
    return None


def stack_exists(url: str, project: str, stack: str) -> bool | None:
    """Whether the stack has a checkpoint; None when saasctl cannot tell (ask the CLI)."""
    store = blobs(url)
    if not isinstance(store, Directory):
        return None
    if not (store.root / ".pulumi" / "meta.yaml").exists():
        return None
    folder = store.root / ".pulumi" / "stacks" / project
    return any((folder / f"{stack}{suffix}").exists() for suffix in (".json", ".json.gz"))


def checkpoint_outputs(url: str, project: str, stack: str) -> dict[str, Any] | None:
    """The stack's outputs as its checkpoint holds them; None when they cannot be read here (another backend,
    no checkpoint, or a secret among them, which only the CLI can decrypt)."""
    store = blobs(url)
    if store is None:
        return None
    try:
        document = checkpoint(store, project, stack)
    except Exception:
        return None
    resources = ((document or {}).get("checkpoint") or {}).get("latest", {}) or {}
    root = next((r for r in resources.get("resources") or [] if r.get("type") == ROOT_TYPE), None)
    if root is None:  # no checkpoint (ask the CLI), or a stack never deployed (no outputs)
        return None if document is None else {}
    outputs = dict(root.get("outputs") or {})
    return None if any(_has_secret(value) for value in outputs.values()) else outputs


def _has_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return SECRET_SIGNATURE in value or any(_has_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secret(v) for v in value)
    return False
