"""Where the state tools find a stack's files in a self-managed (diy) backend, read and deleted without the Pulumi
CLI through the backend's blobs (saas_ctl/engine/pulumi/backend.py: a directory for ``file://``, a bucket for
``s3://`` with the URL's own region, endpoint and path-style settings, as the CLI reads them).

A stack's locks are JSON files under ``.pulumi/locks/organization/<project>/<stack>/`` (pulumi/pulumi pkg/v3
backend/diy/lock.go, ``stackLockDir`` of the fully qualified name); its state is
``.pulumi/stacks/<project>/<stack>.json`` (backend.checkpoint).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saas_ctl.engine.pulumi.backend import Blobs, blobs, checkpoint
from saas_ctl.errors import UsageError

ORGANIZATION = "organization"


@dataclass(frozen=True)
class Backend:
    """The blobs of the backend at ``url`` (named in messages)."""

    url: str
    blobs: Blobs

    def read_all(self, prefix: str) -> dict[str, bytes]:
        from saas_ctl.aws.session import boundary

        with boundary(f"reading {prefix} in {self.url}"):
            return self.blobs.read_all(prefix)

    def delete(self, key: str) -> None:
        from saas_ctl.aws.session import boundary

        with boundary(f"deleting {key} in {self.url}"):
            self.blobs.delete(key)

    def checkpoint(self, project: str, stack: str) -> dict[str, Any] | None:
        from saas_ctl.aws.session import boundary

        with boundary(f"reading the state of {project}/{stack} in {self.url}"):
            return checkpoint(self.blobs, project, stack)


def open_backend(url: str) -> Backend:
    """The backend at ``url``; a usage error for one whose files saasctl cannot reach (Pulumi Cloud)."""
    found = blobs(url)
    if found is None:
        raise UsageError(
            f"the state tools read self-managed backends (file://, s3://); {url} is not one",
            hint="on Pulumi Cloud use `pulumi cancel` and `pulumi stack rm` with the stack's name",
        )
    return Backend(url, found)


def lock_prefix(project: str, stack: str) -> str:
    return f".pulumi/locks/{ORGANIZATION}/{project}/{stack}/"
