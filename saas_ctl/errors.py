"""saasctl's error types. Raised deep, with what is wrong and what is valid; turned into an exit code once,
at the CLI edge (``saas_ctl.cli.output.reporting``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_CHANGES_PENDING = 3  # asked for with --detailed-exitcode: a preview found changes to make
EXIT_DRIFT = 3  # `saasctl drift` found a stack that AWS holds differently from its state: the same "act on it"
EXIT_INTERRUPTED = 130


def shortened(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut after a whole word and ending with an ellipsis when cut:
    a message never ends mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: back to the end of the last whole one
        space = cut.rfind(" ")
        cut = cut[:space] if space > limit // 2 else cut
    return cut.rstrip(" ,;:") + "…"


class SaasctlError(Exception):
    """A failure the user can act on. ``hint`` says what to do about it."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def details(self) -> list[str]:
        """Lines that explain the error further (printed before the message's hint)."""
        return []

    def to_json(self) -> dict[str, Any]:
        return {"error": self.message, "hint": self.hint}


class ExitStatus(Exception):
    """A command has printed its result (or said why it stops) and ends with this exit code: 1 when something
    failed or the user said no, 2 when a check found errors, 3 when a preview asked for a detailed exit code
    found changes pending, 130 when interrupted. Raised anywhere below the
    CLI's edge; ``saas_ctl.cli.output.reporting`` turns it into the process's exit code, as it does errors."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(exit_code)
        self.exit_code = exit_code


class UsageError(SaasctlError):
    """Invalid input or usage: exit code 2."""

    exit_code = EXIT_INVALID


class NotReady(UsageError):
    """The machine is not set up to use the engine (no Pulumi CLI, no passphrase, no provider plugin): exit 2,
    nothing was tried. ``lacking`` names what is missing in a few words, for a view that can go on without it
    (`tenant show`: "unknown: no Pulumi CLI"); ``kind``: the ``ErrorKind`` value of a stack that meets it."""

    def __init__(self, message: str, hint: str | None = None, lacking: str = "", kind: str = "failed") -> None:
        super().__init__(message, hint)
        self.lacking = lacking or message
        self.kind = kind


class Refused(SaasctlError):
    """An operation refused because of the current state (it would be unsafe or cannot work): exit 2."""

    exit_code = EXIT_INVALID


@dataclass(frozen=True)
class SpecIssue:
    """One thing wrong with a tenants.yaml: where (file, line, field path), what, and what is valid."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "path": self.path, "message": self.message}


class SpecError(UsageError):
    """A tenants.yaml that cannot be used, with every issue found in it."""

    def __init__(self, issues: list[SpecIssue]) -> None:
        count = len(issues)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the tenants file")
        self.issues = issues

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.issues)

    def details(self) -> list[str]:
        return [f"  {issue}" for issue in self.issues]

    def to_json(self) -> dict[str, Any]:
        return {"error": self.message, "issues": [issue.to_json() for issue in self.issues]}


@dataclass(frozen=True)
class InputIssue:
    """One thing wrong with a value given on the command line: the flag or argument as typed, and what is wrong."""

    given: str  # as typed: "--memory 1000", "--host 'a b'", "Foo_x"
    message: str

    def __str__(self) -> str:
        return f"{self.given}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"given": self.given, "message": self.message}


class InputError(UsageError):
    """Values given on the command line that cannot be used (said at the flags typed, not at a file's line)."""

    def __init__(self, issues: list[InputIssue], hint: str | None = None) -> None:
        self.issues = issues
        if len(issues) == 1:
            super().__init__(str(issues[0]), hint)
        else:
            super().__init__(f"{len(issues)} problems with the values given", hint)

    def details(self) -> list[str]:
        return [f"  {issue}" for issue in self.issues] if len(self.issues) > 1 else []

    def to_json(self) -> dict[str, Any]:
        return {"error": self.message, "hint": self.hint, "issues": [issue.to_json() for issue in self.issues]}
