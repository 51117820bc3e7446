"""The baseline side of a side-by-side bench: an older commit of this repository, checked out for one run."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def checked_out(commit: str) -> Iterator[Path]:
    """A temporary git worktree of ``commit``, removed afterwards."""
    with tempfile.TemporaryDirectory() as directory:
        tree = Path(directory) / "baseline"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), commit], check=True, capture_output=True
        )
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
