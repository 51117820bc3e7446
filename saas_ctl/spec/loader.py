"""Loading a tenants file: bytes -> YAML with lines -> model -> cross-field rules, every problem at once."""

from __future__ import annotations

import contextlib
import gc
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from saas_ctl import settings
from saas_ctl.errors import SpecError, SpecIssue
from saas_ctl.spec import DEFAULT_FILE, rules
from saas_ctl.spec.models import TenantsFile
from saas_ctl.spec.source import Document, parse

__all__ = ["DEFAULT_FILE", "LoadedSpec", "format_path", "load", "load_bytes"]


@dataclass(frozen=True)
class LoadedSpec:
    """A valid spec and where it came from (to point later findings at lines)."""

    spec: TenantsFile
    document: Document
    file: str

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        return self.document.line_of(path)


MAX_FILE_BYTES = settings.MAX_FILE_BYTES_DEFAULT
MAX_FILE_VARIABLE = settings.MAX_FILE_BYTES.name


def max_file_bytes() -> int:
    return settings.MAX_FILE_BYTES.value()


def load(path: Path) -> LoadedSpec:
    """Read and validate the tenants file at ``path``: a regular file (a directory, FIFO or device is refused
    before anything is read) of at most ``SAASCTL_MAX_FILE_BYTES`` (10 MiB)."""
    limit = max_file_bytes()

    def refuse(message: str) -> SpecError:
        return SpecError([SpecIssue(str(path), None, "", message)])

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO, socket or device)"
            raise refuse(f"is {kind}; pass the tenants YAML file with -f FILE")
        if info.st_size > limit:
            raise refuse(f"is {info.st_size:,} bytes; tenants files are limited to {limit:,} ({MAX_FILE_VARIABLE})")
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise refuse("file not found; pass -f FILE or set SAASCTL_FILE") from None
    except OSError as exc:
        raise refuse(f"cannot read the file: {exc.strerror}") from None
    if len(raw) > limit:  # it grew while being read
        raise refuse(f"is more than {limit:,} bytes; tenants files are limited to that ({MAX_FILE_VARIABLE})")
    return load_bytes(raw, str(path))


def load_bytes(raw: bytes, file: str) -> LoadedSpec:
    """Validate a tenants document given as bytes; ``file`` names it in messages."""
    with _collector_paused():
        return _load(raw, file)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    # Loading allocates hundreds of thousands of small objects and no cycles worth collecting; the cyclic
    # collector's repeated full passes over them made a 10,000-tenant file 3x slower than it needs to be.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(raw: bytes, file: str) -> LoadedSpec:
    document = parse(raw, file)
    if not isinstance(document.data, dict):
        kind = "list" if isinstance(document.data, list) else f"single value ({document.data!r:.40})"
        raise SpecError(
            [
                SpecIssue(
                    file, 1, "", f"the top level must be a mapping with platform, defaults and tenants; got a {kind}"
                )
            ]
        )
    try:
        spec = TenantsFile.model_validate(document.data)
    except ValidationError as exc:
        raise SpecError([_issue_from_pydantic(error, document, file) for error in exc.errors()]) from None
    found = rules.problems(spec)
    if found:
        raise SpecError(
            [SpecIssue(file, document.line_of(path), format_path(path), message) for path, message in found]
        )
    return LoadedSpec(spec, document, file)


def format_path(path: tuple[str | int, ...]) -> str:
    """``("tenants", 0, "cpu")`` -> ``tenants[0].cpu``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _issue_from_pydantic(error: ErrorDetails, document: Document, file: str) -> SpecIssue:
    # Pydantic may add the name of a union branch or validator to loc (e.g. 'function-after[...]'); those
    # are not keys of the file.
    path = tuple(part for part in error["loc"] if isinstance(part, int) or "[" not in part)
    return SpecIssue(file, document.line_of(path), format_path(path), _message(error))


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    value: Any = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (typo?); `saasctl schema` lists the valid fields"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "string_type" and isinstance(value, bool | int | float):
        message += f"; got {value!r} (quote it: YAML reads yes/no/on/off and numbers as non-strings)"
    elif isinstance(value, str | int | float | bool) or value is None:
        message += f" (got {_shortened(value)})"
    return message


ECHO_MAX = 80  # characters of a bad value repeated back in a message


def _shortened(value: object) -> str:
    text = repr(value)
    return text if len(text) <= ECHO_MAX else f"{text[: ECHO_MAX - 1]}… ({len(text):,} characters)"
