"""The record file: every call that touched the account (create, update, delete, read, import), one JSON object a
line (``SAASCTL_DOUBLE_RECORD``), appended in both modes so tests can assert what the engine asked for."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from typing import Any

from tests.aws_double.values import canonical

RECORD_VARIABLE = "SAASCTL_DOUBLE_RECORD"


class Record:
    """The append-only record of calls, shared by every double the engine starts (one per stack operation)."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    @classmethod
    def from_environment(cls) -> Record:
        return cls(os.environ.get(RECORD_VARIABLE))

    def append(self, entry: dict[str, Any]) -> None:
        if not self.path:
            return
        line = json.dumps(entry, sort_keys=True) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(line)

    def entries(self) -> Iterator[dict[str, Any]]:
        if not self.path or not os.path.exists(self.path):
            return iter(())
        with open(self.path, encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            return iter([json.loads(line) for line in handle if line.strip()])

    def existing(self) -> dict[str, dict[str, Any]]:
        """What the record-only account holds: the last create/update of each ID not deleted since."""
        live: dict[str, dict[str, Any]] = {}
        for entry in self.entries():
            if entry["op"] in ("create", "update"):
                live[canonical(entry["id"])] = entry
            elif entry["op"] == "delete":
                live.pop(canonical(entry["id"]), None)
        return live
