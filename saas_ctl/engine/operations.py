"""What an engine can be asked to do, how it ended and why it failed: enums, cheap to import (the CLI's
commands name them before any engine is loaded)."""

from __future__ import annotations

from enum import StrEnum


class Operation(StrEnum):
    PREVIEW = "preview"
    UP = "up"
    DESTROY = "destroy"
    REFRESH = "refresh"
    DRIFT = "drift"  # a refresh-preview: what differs between the state and the cloud; changes nothing


class Status(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Not run: its fingerprint matches its last successful up (`apply` without --all). Not a success: nothing ran.
    UNCHANGED = "unchanged"


class ErrorKind(StrEnum):
    """Why a stack operation failed, for callers that react to it. An engine of one's own may also answer with
    the plain string: a StrEnum member equals its value."""

    LOCKED = "locked"  # another update holds the stack: the orchestrator retries with backoff
    NOT_FOUND = "not_found"
    EXISTS = "exists"
    PLUGIN = "plugin"
    CREDENTIALS = "credentials"
    PASSPHRASE = "passphrase"
    CANCELLED = "cancelled"
    FAILED = "failed"  # the operation ran and failed; its message says how
    DATABASE = "database"  # the tenant's database role or database could not be made
    UNHEALTHY = "unhealthy"  # deployed, but the service did not become stable
