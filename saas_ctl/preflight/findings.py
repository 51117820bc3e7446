"""A preflight finding: a stable code, a severity, where in tenants.yaml, what is wrong and what would fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # worth knowing before a deploy, nothing to fix


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    path: tuple[str | int, ...]
    message: str
    fix: str | None = None
    line: int | None = None

    def at_line(self, line: int | None) -> Finding:
        return Finding(self.code, self.severity, self.path, self.message, self.fix, line)

    def to_json(self) -> dict[str, Any]:
        from saas_ctl.spec.loader import format_path

        return {
            "code": self.code,
            "severity": str(self.severity),
            "path": format_path(self.path),
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
        }


def error(code: str, path: tuple[str | int, ...], message: str, fix: str | None = None) -> Finding:
    return Finding(code, Severity.ERROR, path, message, fix)


def warning(code: str, path: tuple[str | int, ...], message: str, fix: str | None = None) -> Finding:
    return Finding(code, Severity.WARNING, path, message, fix)


def info(code: str, path: tuple[str | int, ...], message: str) -> Finding:
    return Finding(code, Severity.INFO, path, message)
