"""What an Automation API error means: its kind and one readable line naming the stack and what to do."""

from __future__ import annotations

import json
import re
from pathlib import Path

from saas_ctl.engine.base import ErrorKind, StackTarget
from saas_ctl.engine.pulumi.settings import (
    ORGANIZATION,
    PulumiSettings,
    aws_plugin_version,
    file_backend_dir,
    qualified_stack_name,
)
from saas_ctl.errors import shortened


def describe_error(
    exc: BaseException, target: StackTarget, settings: PulumiSettings, log: Path | None
) -> tuple[ErrorKind, str]:
    """(kind, readable message) for an exception from the Automation API."""
    from pulumi.automation import errors

    where = f" (full output: {log})" if log else ""
    stack = qualified_stack_name(settings, target)
    if isinstance(exc, errors.ConcurrentUpdateError):
        holder = _lock_holder(str(exc))
        running = _live_holder(str(exc))
        if running is not None:  # never suggest clearing a lock whose holder is running
            return ErrorKind.LOCKED, (
                f"stack {target.label} is locked by another update{holder}, still running on this machine (pid"
                f" {running}): wait for it to finish, or stop it (kill -INT {running}: Pulumi then releases the"
                f" lock itself){where}"
            )
        clear = (
            f"`saasctl state unlock {target.label}` (it checks the holder is gone; the lock is under "
            f"{settings.backend_url}/.pulumi/locks/{ORGANIZATION}/{target.project}/{target.stack}/)"
            if settings.self_managed
            else f"pulumi cancel --stack {stack} --yes"
        )
        return ErrorKind.LOCKED, (
            f"stack {target.label} is locked by another update{holder}; if no update is running, "
            f"clear the lock: {clear}{where}"
        )
    if isinstance(exc, errors.StackNotFoundError):
        return ErrorKind.NOT_FOUND, f"stack {target.label} does not exist in {settings.backend_url}{where}"
    if isinstance(exc, errors.StackAlreadyExistsError):
        return ErrorKind.EXISTS, f"stack {target.label} already exists in {settings.backend_url}{where}"
    if isinstance(exc, errors.CommandError):
        text = str(exc)
        if is_torn_read(exc):
            writer = _file_lock_holder(settings, target)
            if writer is not None:
                # Still mid-write after the engine's re-reads: another update holds the stack and is saving it
                # step by step (each save rewrites the sidecar), which is a lock, not damage.
                return ErrorKind.LOCKED, (
                    f"stack {target.label} is locked by another update{writer}, which is writing its state{where}"
                )
            state = f"{settings.backend_url}/.pulumi/stacks/{target.project}/{target.stack}.json"
            return ErrorKind.FAILED, (
                f"the state of stack {target.label} cannot be read (failed to load checkpoint: a file is empty "
                f"or cut short); if no other operation on it is running, {state} or its .attrs file beside it "
                f"is damaged: delete an empty .attrs file; restore the state from the .json.bak beside it or "
                f"from .pulumi/history/{where}"
            )
        state = f"{settings.backend_url}/.pulumi/stacks/{target.project}/{target.stack}.json"
        if "failed to load checkpoint" in text:  # not mid-write (above): the state file itself is damaged
            return ErrorKind.FAILED, (
                f"the state of stack {target.label} is damaged ({_after(text, 'failed to load checkpoint:')}): "
                f"restore {state} from the {target.stack}.json.bak beside it or from .pulumi/history/ (after "
                f"keeping a copy of the damaged one), then run the command again{where}"
            )
        unwritable = _unwritable(text)
        if unwritable is not None:
            return ErrorKind.FAILED, (
                f"the state backend {settings.backend_url} cannot be written ({unwritable}): nothing of stack "
                f"{target.label} was changed; make it writable (or pass --backend with one that is) and run the "
                f"command again{where}"
            )
        if "no resource plugin" in text or "could not find plugin" in text:
            from saas_ctl.engine.pulumi.plugins import install_hint

            return ErrorKind.PLUGIN, (
                f"the AWS provider plugin {aws_plugin_version()} is missing: "
                f"{install_hint(aws_plugin_version().lstrip('v'))}{where}"
            )
        if (
            "NoCredentialProviders" in text
            or "no valid credential sources" in text
            or "failed to refresh cached credentials" in text
        ):
            return ErrorKind.CREDENTIALS, (
                f"AWS credentials were not found for {target.label}; set AWS_PROFILE or "
                f"AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or use --local){where}"
            )
        if "update canceled" in text or "destroy canceled" in text or "refresh canceled" in text:
            return ErrorKind.CANCELLED, f"{target.label}: cancelled; the stack's lock was released{where}"
        if _INTERRUPTED.search(text):
            # The interrupt reached a set-up command (stack init or select, config) before the operation began.
            return (
                ErrorKind.CANCELLED,
                f"{target.label}: cancelled before the operation started; nothing was changed{where}",
            )
        if "passphrase" in text and "incorrect" in text:
            return ErrorKind.PASSPHRASE, f"PULUMI_CONFIG_PASSPHRASE does not decrypt stack {target.label}{where}"
        return ErrorKind.FAILED, f"{target.label}: {last_error_line(text)}{where}"
    if isinstance(exc, OSError) and _unwritable(str(exc)) is not None:  # saasctl's own write (the backend folder)
        return ErrorKind.FAILED, (
            f"the state backend {settings.backend_url} cannot be written ({_unwritable(str(exc))}: "
            f"{exc.filename}): make it writable (or pass --backend with one that is) and run the command again{where}"
        )
    return ErrorKind.FAILED, f"{target.label}: {shortened(f'{type(exc).__name__}: {exc}', 500)}{where}"


def is_torn_read(exc: BaseException) -> bool:
    """A command read the stack's state while another operation was writing it. The file backend writes the
    state itself atomically (a temporary file, renamed) but rewrites its metadata sidecar (``<stack>.json.attrs``)
    in place, truncating it first, so a reader beside an update can find it empty: ``failed to load checkpoint:
    EOF`` (``unexpected end of JSON input`` for a file cut short). A moment later the reader meets the lock
    instead, or the finished state."""
    text = str(exc)
    return "failed to load checkpoint" in text and ("EOF" in text or "unexpected end of JSON input" in text)


def _file_lock_holder(settings: PulumiSettings, target: StackTarget) -> str | None:
    """' (locked by USER@HOST, pid N, since TIME)' when a file backend holds a lock on the stack (the diy
    backend's ``.pulumi/locks/<org>/<project>/<stack>/<id>.json``, written by the update that holds it), '' when
    one is held but unreadable, None when none is (or the backend is not a local file one)."""
    root = file_backend_dir(settings.backend_url)
    if root is None:
        return None
    folder = root / ".pulumi" / "locks" / ORGANIZATION / target.project / target.stack
    try:
        locks = sorted(folder.glob("*.json"))
    except OSError:
        return None
    if not locks:
        return None
    try:
        holder = json.loads(locks[0].read_text())
        return (
            f" (locked by {holder['username']}@{holder['hostname']}, pid {holder['pid']}, since {holder['timestamp']})"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return ""


# A holder as the diy backend describes it (pulumi pkg/v3 backend/diy/lock.go, checkForLock):
# "  <lock URL>: created by <user>@<host> (pid <pid>) at <RFC 3339 time>".
_HOLDER = re.compile(r"created by (?P<who>\S+) \(pid (?P<pid>\d+)\) at (?P<time>\S+)")


def _lock_holder(text: str) -> str:
    holders = [f"{m['who']}, pid {m['pid']}, since {m['time']}" for m in _HOLDER.finditer(text)]
    if holders:
        return " (held by " + "; ".join(holders) + ")"
    for line in text.splitlines():
        if "locked by" in line:
            return " (" + line.strip().split("locked by", 1)[1].strip(" :") + ")"
    return ""


def _live_holder(text: str) -> int | None:
    """The pid of a lock's holder when it runs on this machine and is still alive; None otherwise (another
    machine, or a process that is gone)."""
    import os
    import socket

    host = socket.gethostname()
    for match in _HOLDER.finditer(text):
        if match["who"].rsplit("@", 1)[-1] != host:
            continue
        pid = int(match["pid"])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        except PermissionError:  # alive, another user's
            return pid
        return pid
    return None


# A CLI process that SIGINT ended before it could answer (the Automation API reports its return code, -2).
_INTERRUPTED = re.compile(r"^\s*code: -2\s*$", re.MULTILINE)

# Error lines that follow the cause and say nothing about it (the real CLI ends a failed update with these).
_CONSEQUENCES = (
    "update failed",
    "preview failed",
    "destroy failed",
    "refresh failed",
    "resource monitor has terminated",
)


def _after(text: str, marker: str) -> str:
    """What follows ``marker`` on its line (at most 200 characters)."""
    line = next(line for line in text.splitlines() if marker in line)
    return shortened(line.split(marker, 1)[1].strip(), 200)


def _unwritable(text: str) -> str | None:
    """Why the backend refused a write, when that is what the CLI says (a read-only disk, a permission)."""
    lowered = text.lower()
    for reason in ("read-only file system", "permission denied", "no space left on device"):
        if reason in lowered:
            return reason
    return None


# Go's multierror: "N errors occurred:" then one "* cause" line per error; the causes are what a reader needs.
_MULTIPLE = re.compile(r"\d+ errors occurred")


def last_error_line(text: str) -> str:
    """The line that says why: the first error that is not one of the CLI's closing consequences (at most 500
    characters, cut after a whole word); several errors at once are said together, each once."""
    if _MULTIPLE.search(text):
        causes = [line.strip()[1:].strip() for line in text.splitlines() if line.strip().startswith("* ")]
        if causes:
            return shortened("; ".join(dict.fromkeys(causes)), 500)
    lines = [line.strip().lstrip("+-~ ").strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line.lower()]
    causes = [line for line in errors if not any(c in line.lower() for c in _CONSEQUENCES)]
    if causes:
        return shortened(causes[0].rstrip(":"), 500)
    return shortened((errors or lines or ["the Pulumi CLI failed"])[-1], 500)
