"""The Pulumi CLI processes of an operation: a private working directory each, and finding them to interrupt."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def private_work_dir() -> Iterator[str]:
    """The workspace directory of one operation (Pulumi.yaml and the stack's settings file), removed after it;
    left to itself the Automation API makes a new temporary directory per workspace and never removes it."""
    with tempfile.TemporaryDirectory(prefix="saasctl-workspace-") as path:
        yield path


def child_processes() -> list[tuple[int, list[str]]]:
    """(pid, argv) of this process's children, from /proc."""
    children = []
    me = os.getpid()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == me:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                children.append((int(entry.name), [a.decode(errors="replace") for a in argv if a]))
        except (OSError, ValueError, IndexError):
            continue
    return children


def _parents() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) of every process, from /proc."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            found[int(entry.name)] = (int(fields[1]), int(fields[2]))
        except (OSError, ValueError, IndexError):
            continue
    return found


def end_descendants() -> list[int]:
    """Kill every process this one started, and their children, with SIGKILL: for a command that exits at once
    (a second Ctrl-C or SIGTERM). The Pulumi CLI starts each provider plugin in a process group of its own
    (sdk/go/common/util/cmdutil/child_unix.go, RegisterProcessGroup: Setpgid), so a provider outlives the CLI
    unless its group is ended too. Returns the pids found."""
    table = _parents()
    me = os.getpid()
    own_group = os.getpgid(0)
    found: list[int] = []
    frontier = [me]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _) in table.items() if ppid == parent]
        found += children
        frontier += children
    for group in {table[pid][1] for pid in found} - {own_group}:
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)
    for pid in found:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return found
