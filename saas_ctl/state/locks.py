"""A stack's locks on a self-managed backend: who holds each, whether the holder is gone, and clearing them.

Every update takes a lock, a JSON file holding the Pulumi CLI's pid, user name, host name and start time
(pulumi/pulumi pkg/v3 backend/diy/lock.go, ``lockContent``), deleted when the update ends. A process killed
mid-update (SIGKILL, a lost CI runner) leaves it behind, and every later operation on the stack is refused.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from saas_ctl.state.storage import Backend, lock_prefix


@dataclass(frozen=True)
class Lock:
    key: str
    pid: int
    username: str
    hostname: str
    timestamp: str

    def holder(self) -> str:
        return f"{self.username}@{self.hostname}, pid {self.pid}, since {self.timestamp}"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "pid": self.pid,
            "username": self.username,
            "hostname": self.hostname,
            "timestamp": self.timestamp,
        }


def find(backend: Backend, project: str, stack: str) -> list[Lock]:
    locks = []
    prefix = lock_prefix(project, stack)
    for name, raw in sorted(backend.read_all(prefix).items()):
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = {}
        locks.append(
            Lock(
                prefix + name,
                int(data.get("pid") or 0),
                str(data.get("username", "?")),
                str(data.get("hostname", "?")),
                str(data.get("timestamp", "?")),
            )
        )
    return locks


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def holder_gone(lock: Lock, hostname: str | None = None, running: Callable[[int], bool] = _running) -> bool | None:
    """True when the lock's process is known to have ended (it ran on this host and no longer runs), False
    when it still runs here, None when this host cannot tell (it ran on another machine)."""
    if lock.hostname != (hostname or socket.gethostname()) or lock.pid <= 0:
        return None
    return not running(lock.pid)
