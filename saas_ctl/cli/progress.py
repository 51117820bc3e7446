"""Progress of stack operations on stderr: plain lines (CI logs), or a live table on a terminal."""

import threading
import time
from typing import Any, Self

from rich.console import Console
from rich.live import Live
from rich.table import Table

from saas_ctl.orchestration.orchestrator import State, Update

STYLE = {
    State.QUEUED: "dim",
    State.RUNNING: "cyan",
    State.RETRYING: "yellow",
    State.SUCCEEDED: "green",
    State.FAILED: "red",
    State.CANCELLED: "yellow",
    State.UNCHANGED: "dim",
}


def _name(update: Update) -> str:
    return update.target.tenant or f"platform {update.target.stack}"


class PlainProgress:
    """One line per state change and per step of saasctl's own around a stack (preparing, waiting for the
    service), and at most one progress line per stack every few seconds."""

    def __init__(self, console: Console, interval: float = 5.0) -> None:
        self.console = console
        self.interval = interval
        self._last: dict[str, tuple[State, float, str | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, update: Update) -> None:
        label = update.target.label
        now = time.monotonic()
        with self._lock:
            previous = self._last.get(label)
            changed = previous is None or previous[0] is not update.state
            # The orchestrator's own steps carry no resource counts: each is said once, when it starts.
            step = update.state is State.RUNNING and update.total is None and update.current is not None
            new_step = step and previous is not None and previous[2] != update.current
            if (
                previous is not None
                and not changed
                and not new_step
                and (update.state is not State.RUNNING or now - previous[1] < self.interval)
            ):
                return
            last_step = update.current if step else (previous[2] if previous else None)
            self._last[label] = (update.state, now, last_step)
        detail = ""
        if update.state is State.RUNNING and (update.done or update.total):
            detail = f" {update.done}/{update.total or '?'} resources"
        if update.current and update.state is not State.SUCCEEDED:
            detail += f" ({update.current})"
        self.console.print(f"{_name(update)}: {update.state}{detail}", markup=False, highlight=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: Any) -> None:
        return None


class LiveProgress:
    """A table with one row per stack; collapses to counts when there are more rows than the terminal has lines."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.rows: dict[str, Update] = {}
        self._lock = threading.Lock()
        self._live = Live(self._render(), console=console, refresh_per_second=4, transient=False)

    def __call__(self, update: Update) -> None:
        with self._lock:
            self.rows[update.target.label] = update
        self._live.update(self._render())

    def _render(self) -> Table:
        with self._lock:
            rows = list(self.rows.values())
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(no_wrap=True, overflow="ellipsis")  # one line a stack, cut at the width: never wrapped
        if len(rows) + 2 > max(self.console.height - 2, 5):
            counts: dict[State, int] = {}
            for row in rows:
                counts[row.state] = counts.get(row.state, 0) + 1
            table.add_row("  ".join(f"[{STYLE[s]}]{s}: {n}[/]" for s, n in counts.items()))
            for row in rows:
                if row.state in (State.RUNNING, State.RETRYING):
                    table.add_row(self._line(row))
            return table
        for row in rows:
            table.add_row(self._line(row))
        return table

    @staticmethod
    def _line(row: Update) -> str:
        from rich.markup import escape

        progress = f" {row.done}/{row.total or '?'}" if row.state is State.RUNNING and row.done else ""
        current = f" [dim]{escape(row.current)}[/dim]" if row.current and row.state is not State.SUCCEEDED else ""
        return f"[{STYLE[row.state]}]{row.state:<9}[/] {escape(_name(row))}{progress}{current}"

    def __enter__(self) -> Self:
        self._live.__enter__()
        return self

    def __exit__(self, *args: Any) -> None:
        self._live.__exit__(*args)


def progress_for(console: Console) -> PlainProgress | LiveProgress:
    return LiveProgress(console) if console.is_terminal else PlainProgress(console)
