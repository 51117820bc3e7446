"""What produced a stack: the fingerprint a successful `up` records beside the stack's state (DESIGN.md,
decision 11), and how two fingerprints differ, said the way a reader of `apply --dry-run` wants it.

Pure: no pulumi import. The parts are digests computed by ``saas_ctl.stacks.fingerprint``; this module only
compares and serialises them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

RECORD_VERSION = 1

# What each part of a fingerprint is, as a reason to run a stack ("... changed").
PART_NAMES = {
    "settings": "its settings in the tenants file (defaults applied)",
    "platform": "the platform outputs it consumes",
    "config": "its stack config",
    "program": "saasctl's program code",
    "options": "the deploy's options",
}


@dataclass(frozen=True)
class Fingerprint:
    """Digests of what a stack's ``up`` is built from (``parts``) and the versions of the tools that ran it."""

    parts: Mapping[str, str]
    versions: Mapping[str, str]
    recorded_at: str | None = field(default=None, compare=False)  # set in a record read back

    @property
    def digest(self) -> str:
        text = json.dumps({"parts": dict(self.parts), "versions": dict(self.versions)}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "record_version": RECORD_VERSION,
            "fingerprint": self.digest,
            "parts": dict(self.parts),
            "versions": dict(self.versions),
            **({"recorded_at": self.recorded_at} if self.recorded_at else {}),
        }

    @classmethod
    def from_json(cls, data: Any) -> Fingerprint | None:
        """A record read back; None when it is not one this version writes (then the stack runs)."""
        if not isinstance(data, dict) or data.get("record_version") != RECORD_VERSION:
            return None
        parts, versions = data.get("parts"), data.get("versions")
        if not isinstance(parts, dict) or not isinstance(versions, dict):
            return None
        found = cls({str(k): str(v) for k, v in parts.items()}, {str(k): str(v) for k, v in versions.items()})
        if data.get("fingerprint") != found.digest:
            return None  # edited or torn: not trusted
        recorded_at = data.get("recorded_at")
        return cls(found.parts, found.versions, str(recorded_at) if recorded_at else None)

    def differences(self, recorded: Fingerprint) -> list[str]:
        """What changed since ``recorded`` (the last successful up), one phrase each; empty when nothing did."""
        said = [
            f"{PART_NAMES.get(part, part)} changed"
            for part in sorted(set(self.parts) | set(recorded.parts))
            if self.parts.get(part) != recorded.parts.get(part)
        ]
        for tool in sorted(set(self.versions) | set(recorded.versions)):
            before, now = recorded.versions.get(tool), self.versions.get(tool)
            if before != now:
                said.append(f"{tool} {before or 'none'} -> {now or 'none'}")
        return said
