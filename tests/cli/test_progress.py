"""Progress displays: plain lines for logs, a live table that collapses to counts on a short terminal."""

from __future__ import annotations

import io

from rich.console import Console

from saas_ctl.cli.progress import LiveProgress, PlainProgress
from saas_ctl.engine.base import StackTarget
from saas_ctl.orchestration.orchestrator import State, Update


def target(name: str) -> StackTarget:
    return StackTarget("p-dev-tenants", name, lambda: None, tenant=name)


def test_plain_progress_prints_state_changes_once() -> None:
    out = io.StringIO()
    progress = PlainProgress(Console(file=out, width=200), interval=60)
    for update in (
        Update(target("acme"), State.QUEUED),
        Update(target("acme"), State.RUNNING),
        Update(target("acme"), State.RUNNING, 3, 10, "create aws:s3/bucket:Bucket"),
        Update(target("acme"), State.SUCCEEDED),
    ):
        progress(update)
    assert out.getvalue() == "acme: queued\nacme: running\nacme: succeeded\n"


def test_live_progress_shows_one_row_per_stack_when_they_fit() -> None:
    console = Console(file=io.StringIO(), width=120, height=40)
    progress = LiveProgress(console)
    progress(Update(target("acme"), State.RUNNING, 3, 10, "create aws:s3/bucket:Bucket"))
    progress(Update(target("globex"), State.QUEUED))
    console.print(progress._render())
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "running   acme 3/10 create aws:s3/bucket:Bucket" in text
    assert "queued    globex" in text


def test_live_progress_collapses_to_counts_on_a_short_terminal() -> None:
    console = Console(file=io.StringIO(), width=120, height=10)
    progress = LiveProgress(console)
    for i in range(30):
        progress(Update(target(f"t{i:02d}"), State.SUCCEEDED if i < 20 else State.QUEUED))
    progress(Update(target("t29"), State.RUNNING, 1, 4))
    console.print(progress._render())
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "succeeded: 20  queued: 9  running: 1" in text
    assert "t29 1/4" in text
    assert "t05" not in text


def test_live_progress_cuts_a_long_row_at_the_terminals_width_instead_of_wrapping_it() -> None:
    console = Console(file=io.StringIO(), width=40, height=40)
    progress = LiveProgress(console)
    progress(Update(target("acme"), State.RUNNING, 3, 10, "create aws:secretsmanager/secretVersion:SecretVersion"))
    console.print(progress._render())
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and len(lines[0]) <= 40 and lines[0].rstrip().endswith("…")
