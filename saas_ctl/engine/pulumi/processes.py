"""The Pulumi CLI processes of an operation: a private working directory each, and finding them to interrupt."""

from __future__ import annotations

import contextlib
import os
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
