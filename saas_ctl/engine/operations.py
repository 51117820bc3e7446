"""What an engine can be asked to do and how it ended: two enums, cheap to import (the CLI's commands name
them before any engine is loaded)."""

from __future__ import annotations

from enum import StrEnum


class Operation(StrEnum):
    PREVIEW = "preview"
    UP = "up"
    DESTROY = "destroy"
    REFRESH = "refresh"


class Status(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
