"""Loading a tenants file: bytes -> YAML with lines -> model -> cross-field rules, every problem at once."""

from __future__ import annotations

import contextlib
import copy
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
from saas_ctl.spec import DEFAULT_FILE, messages, rules
from saas_ctl.spec.models import TenantsFile
from saas_ctl.spec.source import Document, parse

Path_ = tuple[str | int, ...]

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
        structural = [_issue_from_pydantic(error, document, file) for error in exc.errors()]
        structural += [
            SpecIssue(file, document.line_of(path), format_path(path), message)
            for path, message in _rules_around(document.data, exc)
        ]
        raise SpecError(sorted(structural, key=lambda issue: issue.line or 0)) from None
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
    path = _file_path(error)
    return SpecIssue(file, document.line_of(path), format_path(path), messages.message(error, TenantsFile, path))


def _file_path(error: ErrorDetails) -> Path_:
    # Pydantic may add the name of a union branch or validator to loc (e.g. 'function-after[...]'); those
    # are not keys of the file.
    return tuple(part for part in error["loc"] if isinstance(part, int) or "[" not in part)


REPAIR_ROUNDS = 3  # a file whose structure needs more rounds than this is left to its structural problems


def _rules_around(data: dict[str, Any], exc: ValidationError) -> list[rules.Problem]:
    """The cross-field problems of a file with structural ones, so that one run of `validate` reports both.

    The values pydantic refused are set aside (an unknown key dropped; a tenant's bad setting left to its
    default; a tenant whose name or shape is bad left out), and the rules run over what remains, with the
    tenants numbered as in the file. Problems of a tenant that lost a value are not reported (they would be
    about the default that stood in for it). Where the structure does not allow that (a bad platform or
    defaults value, a missing required field) only the structural problems are reported."""
    candidate = copy.deepcopy(data)
    dropped: set[int] = set()  # indexes in the file of tenants left out
    touched: set[int] = set()  # tenants that lost a value
    errors = exc.errors()
    for _ in range(REPAIR_ROUNDS):
        for error in errors:
            if not _set_aside(candidate, _file_path(error), error["type"], dropped, touched):
                return []
        kept = [i for i in range(len(data.get("tenants") or [])) if i not in dropped]
        trial = dict(candidate)
        if isinstance(trial.get("tenants"), list):
            trial["tenants"] = [candidate["tenants"][i] for i in kept]
        try:
            spec = TenantsFile.model_validate(trial)
        except ValidationError as again:
            errors = [_in_file_numbering(error, kept) for error in again.errors()]
            continue
        found = []
        for path, message in rules.problems(spec):
            if path[:1] == ("tenants",) and len(path) > 1 and isinstance(path[1], int):
                index = kept[path[1]]
                if index in touched:
                    continue
                path = ("tenants", index, *path[2:])
            found.append((path, message))
        return found
    return []


def _in_file_numbering(error: ErrorDetails, kept: list[int]) -> ErrorDetails:
    loc = error["loc"]
    if loc[:1] == ("tenants",) and len(loc) > 1 and isinstance(loc[1], int):
        return {**error, "loc": ("tenants", kept[loc[1]], *loc[2:])}
    return error


def _set_aside(data: Any, path: Path_, kind: str, dropped: set[int], touched: set[int]) -> bool:
    """Take the value at ``path`` out of ``data`` when that is safe for the rules (see :func:`_rules_around`)."""
    if not path:
        return False
    if kind == "extra_forbidden":
        parent = _at(data, path[:-1])
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
            return True
        return False
    if path[:1] != ("tenants",) or len(path) < 2 or not isinstance(path[1], int):
        return False
    tenant = _at(data, path[:2])
    if len(path) == 2 or path[2] in _TENANT_PLACES or not isinstance(tenant, dict):
        dropped.add(path[1])
        return True
    if kind == "missing":
        return False
    tenant.pop(path[2], None)  # every tenant setting but its name is optional
    touched.add(path[1])
    return True


# A tenant's name, hosts, priority and cell are compared with other tenants': a default standing in for one of them
# could collide with another tenant's, so a tenant with a bad one is left out of the rules instead.
_TENANT_PLACES = ("name", "hosts", "priority", "cell")


def _at(data: Any, path: Path_) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
