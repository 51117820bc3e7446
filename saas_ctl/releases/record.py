"""A release is a record: its image, its waves, every tenant's result and the times, kept in the state backend
beside the stacks, so that `release status` shows it and `release resume` continues it from any machine that
shares the backend.

A file backend (``file://``, the default ``./.saasctl/state``) keeps each record as one JSON document under
``<root>/releases/<project>/<environment>/<id>.json``, a sibling of Pulumi's own ``.pulumi/`` directory. Other
backends are reached through :func:`records_for`, the one place that chooses where records live.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from saas_ctl.errors import SaasctlError, UsageError

if TYPE_CHECKING:
    from saas_ctl.engine.pulumi.backend import Bucket


class ReleaseStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"  # every wave passed its gate
    FAILED = "failed"  # a gate failed: the failed wave was rolled back; `release resume` carries on
    INTERRUPTED = "interrupted"  # Ctrl-C or SIGTERM: nothing new started; `release resume` carries on
    SUPERSEDED = "superseded"  # a later release started with --force while this one was open


OPEN = (ReleaseStatus.RUNNING, ReleaseStatus.FAILED, ReleaseStatus.INTERRUPTED)


class TenantStatus(StrEnum):
    PENDING = "pending"  # its wave has not run (or did not reach it)
    SUCCEEDED = "succeeded"  # deployed and passed its wave's gate: runs the release's image
    FAILED = "failed"  # its deploy or its gate failed
    ROLLED_BACK = "rolled_back"  # took the image in a wave that failed, and runs its previous image again
    ROLLBACK_FAILED = "rollback_failed"  # the deploy back to its previous image failed too
    CANCELLED = "cancelled"  # interrupted while it deployed


@dataclass
class TenantEntry:
    """One tenant of a release: its wave, the image it ran before, what it runs now as far as saasctl knows."""

    wave: int
    previous_image: str
    runs: str
    status: TenantStatus = TenantStatus.PENDING
    error: str | None = None
    finished_at: str | None = None


@dataclass
class Wave:
    name: str  # "canary", "wave 1", ...
    tenants: list[str]


@dataclass
class Release:
    id: str
    project: str
    environment: str
    image: str
    previous_image: str  # the file's defaults.image before the release
    waves: list[Wave]
    tenants: dict[str, TenantEntry]
    options: dict[str, Any]  # what `release resume` runs with: canary, waves, bake, check_path, max_failures, ...
    status: ReleaseStatus = ReleaseStatus.RUNNING
    wave: int = 0  # the wave running, or the one a stopped release resumes from
    skipped: dict[str, str] = field(default_factory=dict)  # tenant -> why it is not part of the release
    reason: str | None = None  # why it stopped
    started_at: str = ""
    updated_at: str = ""
    finished_at: str | None = None
    runner: dict[str, Any] = field(default_factory=dict)  # host and pid of the process running it

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def failures(self) -> list[str]:
        failed = (TenantStatus.FAILED, TenantStatus.ROLLED_BACK, TenantStatus.ROLLBACK_FAILED)
        return [name for name, entry in self.tenants.items() if entry.status in failed and entry.error]

    def running_elsewhere(self) -> bool:
        """Whether another process runs it now. A record left 'running' by a process of this host that is gone
        (killed, the machine restarted) is not; one of another host is taken to be."""
        if self.status is not ReleaseStatus.RUNNING:
            return False
        if self.runner.get("host") != socket.gethostname():
            return True
        pid = int(self.runner.get("pid", 0))
        if pid in (0, os.getpid()):
            return False
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError, OverflowError, ValueError):
            return False
        return True

    def who_runs_what(self) -> dict[str, list[str]]:
        """Image -> the tenants that run it, as far as the release knows."""
        found: dict[str, list[str]] = {}
        for name, entry in self.tenants.items():
            found.setdefault(entry.runs, []).append(name)
        return found

    def to_json(self) -> dict[str, Any]:
        # Written after every step of a release of thousands of tenants: built by hand (dataclasses.asdict deep
        # copies every value).
        return {
            "id": self.id,
            "project": self.project,
            "environment": self.environment,
            "image": self.image,
            "previous_image": self.previous_image,
            "waves": [{"name": wave.name, "tenants": list(wave.tenants)} for wave in self.waves],
            "tenants": [
                {
                    "name": name,
                    "wave": entry.wave,
                    "previous_image": entry.previous_image,
                    "runs": entry.runs,
                    "status": str(entry.status),
                    "error": entry.error,
                    "finished_at": entry.finished_at,
                }
                for name, entry in self.tenants.items()
            ],
            "options": dict(self.options),
            "status": str(self.status),
            "wave": self.wave,
            "skipped": dict(self.skipped),
            "reason": self.reason,
            "started_at": self.started_at,
            "updated_at": self.updated_at,
            "finished_at": self.finished_at,
            "runner": dict(self.runner),
            "runs": self.who_runs_what(),
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Release:
        fields_ = dict(document)
        fields_.pop("runs", None)
        tenants = {}
        for entry in fields_.pop("tenants"):
            entry = dict(entry)
            name = entry.pop("name")
            tenants[name] = TenantEntry(**{**entry, "status": TenantStatus(entry["status"])})
        waves = [Wave(**wave) for wave in fields_.pop("waves")]
        status = ReleaseStatus(fields_.pop("status"))
        return cls(**fields_, tenants=tenants, waves=waves, status=status)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id(at: datetime | None = None) -> str:
    """Sortable by start time, unique between machines: ``r20261202-111610-3f9a``."""
    return (at or datetime.now(UTC)).strftime("r%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def this_runner() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid()}


class RecordStore(Protocol):
    """Where one environment's release records live."""

    def exclusive(self) -> AbstractContextManager[None]:
        """Held while a release checks that none is open and records itself, so two cannot both start."""
        ...

    def save(self, release: Release) -> None: ...

    def load(self, release_id: str) -> Release:
        """The record, or :class:`UsageError` naming the ids there are."""
        ...

    def all(self) -> list[Release]:
        """Every record, oldest first."""
        ...


class FileRecords:
    """Records as JSON files in a directory of a file backend, each replaced atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def exclusive(self) -> AbstractContextManager[None]:
        from saas_ctl.spec.store import locked

        self.directory.mkdir(parents=True, exist_ok=True)
        return locked(self.directory / "releases")

    def save(self, release: Release) -> None:
        from saas_ctl.spec.store import write_atomically

        release.updated_at = now()
        self.directory.mkdir(parents=True, exist_ok=True)
        data = json.dumps(release.to_json(), indent=2) + "\n"
        try:
            write_atomically(self.directory / f"{release.id}.json", data.encode())
        except OSError as exc:
            raise SaasctlError(f"could not write the release record in {self.directory}: {exc}") from None

    def load(self, release_id: str) -> Release:
        path = self.directory / f"{release_id}.json"
        if "/" in release_id or not path.is_file():
            known = [r.id for r in self.all()]
            raise UsageError(
                f"no release {release_id!r} in {self.directory}",
                hint=f"releases recorded: {', '.join(known)}" if known else "no release is recorded yet",
            )
        return self._read(path)

    def all(self) -> list[Release]:
        if not self.directory.is_dir():
            return []
        return [self._read(path) for path in sorted(self.directory.glob("r*.json"))]

    def _read(self, path: Path) -> Release:
        try:
            return Release.from_json(json.loads(path.read_text()))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SaasctlError(f"the release record {path} cannot be read: {exc}") from None


class BucketRecords:
    """Records as JSON objects under ``releases/<project>/<environment>/`` of an ``s3://`` backend, the bucket a
    team's CI jobs share. Two releases cannot both start: the check-and-record holds a lock object written only if
    none exists (S3's conditional write, ``If-None-Match: *``; S3 User Guide, "Add preconditions to S3 operations
    with conditional requests")."""

    LOCK_TIMEOUT_SECONDS = 60.0

    def __init__(self, files: Bucket, directory: str) -> None:
        self.files = files  # the backend's bucket, under its prefix
        self.directory = directory  # relative to the backend's root, ending with "/"

    def _key(self, name: str) -> str:
        return self.files.key(f"{self.directory}{name}")

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        from botocore.exceptions import ClientError

        key, deadline = self._key(".lock"), time.monotonic() + self.LOCK_TIMEOUT_SECONDS
        while True:
            try:
                body = json.dumps(this_runner()).encode()
                self.files.client.put_object(Bucket=self.files.bucket, Key=key, Body=body, IfNoneMatch="*")
                break
            except ClientError as exc:
                taken = exc.response.get("Error", {}).get("Code") in (
                    "PreconditionFailed",
                    "ConditionalRequestConflict",
                )
                if not taken:
                    raise SaasctlError(
                        f"could not lock the release records s3://{self.files.bucket}/{key}: {exc}"
                    ) from None
                if time.monotonic() > deadline:
                    raise SaasctlError(
                        f"the release records are locked (s3://{self.files.bucket}/{key}) for more than "
                        f"{self.LOCK_TIMEOUT_SECONDS:.0f} s",
                        hint="another saasctl is starting a release; if none is, delete that object",
                    ) from None
                time.sleep(0.5)
        try:
            yield
        finally:
            self.files.delete(self.directory + ".lock")

    def save(self, release: Release) -> None:
        from saas_ctl.aws.session import boundary

        release.updated_at = now()
        data = (json.dumps(release.to_json(), indent=2) + "\n").encode()
        key = self._key(f"{release.id}.json")
        with boundary(f"could not write the release record s3://{self.files.bucket}/{key}"):
            self.files.client.put_object(Bucket=self.files.bucket, Key=key, Body=data)

    def load(self, release_id: str) -> Release:
        raw = None if "/" in release_id else self.files.read(f"{self.directory}{release_id}.json")
        if raw is None:
            known = [r.id for r in self.all()]
            raise UsageError(
                f"no release {release_id!r} in s3://{self.files.bucket}/{self._key('')}",
                hint=f"releases recorded: {', '.join(known)}" if known else "no release is recorded yet",
            )
        return _parsed(raw, release_id)

    def all(self) -> list[Release]:
        found = self.files.read_all(self.directory)
        return [
            _parsed(data, self._key(name))
            for name, data in sorted(found.items())
            if name.startswith("r") and name.endswith(".json")
        ]


def _parsed(raw: bytes, where: str) -> Release:
    try:
        return Release.from_json(json.loads(raw))
    except (ValueError, KeyError, TypeError) as exc:
        raise SaasctlError(f"the release record {where} cannot be read: {exc}") from None


def records_for(backend_url: str, project: str, environment: str) -> RecordStore:
    """The records of one environment in the state backend at ``backend_url`` (the URL the engine's stacks are
    kept at). The one place a backend's kind chooses the store: a new kind of backend adds its store here."""
    if backend_url.startswith("file://"):
        from saas_ctl.state.location import file_directory

        root = file_directory(backend_url) or Path(backend_url.removeprefix("file://"))
        return FileRecords(root / "releases" / project / environment)
    if backend_url.startswith("s3://"):
        from saas_ctl.engine.pulumi.backend import bucket

        return BucketRecords(bucket(backend_url), f"releases/{project}/{environment}/")
    scheme = backend_url.split("://", 1)[0]
    raise UsageError(
        f"release records are kept in a self-managed backend (file://, s3://); this environment's is {scheme}://",
        hint="name a file:// or s3:// backend (--backend, PULUMI_BACKEND_URL or platform.state.backend)",
    )


def latest(releases: list[Release]) -> Iterator[Release]:
    """Newest first."""
    return iter(sorted(releases, key=lambda r: r.id, reverse=True))
