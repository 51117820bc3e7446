"""Tables at a terminal fitted to its width the way gh fits its lists: a cell too long for its column is cut
with an ellipsis, never wrapped mid-word onto a second line; the widest columns give up room first; and when the
columns cannot all have a readable width the last ones are left out (the table's caption says which). Headers
and the first column, what a row is about (a tenant, a stack), are never cut. Piped output and --json always
carry every column in full.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

MIN_SHOWN = 8  # characters a cut column keeps at least (an ellipsis and a few characters that still say something)
BORDER = 3  # what each column adds to a boxed table's width: a separator and a space either side
EDGE = 1  # the table's closing border


def widths(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> dict[int, int]:
    """The columns a table ``width`` characters wide shows, by index, each with its width: every column at its
    natural width when they fit; else the widest cut down to a common cap (never below its least: the header,
    and up to MIN_SHOWN characters of data; the first column whole); else the last columns left out."""
    natural = [max([len(column), *(len(row[i]) for row in rows)]) for i, column in enumerate(columns)]
    least = [size if i == 0 else max(len(columns[i]), min(size, MIN_SHOWN)) for i, size in enumerate(natural)]
    count = len(columns)
    while count > 1 and sum(least[:count]) + BORDER * count + EDGE > width:
        count -= 1  # the last column that does not fit at its least is left out
    room = width - BORDER * count - EDGE
    cap = max(natural[:count], default=0)
    while cap > 0 and sum(min(n, max(cap, low)) for n, low in zip(natural[:count], least[:count], strict=True)) > room:
        cap -= 1
    return {i: min(natural[i], max(cap, least[i])) for i in range(count)}


def fitted(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int, title: str | None = None) -> Table:
    """A table of ``rows`` for a terminal ``width`` characters wide (see the module's docstring)."""
    from rich.table import Table
    from rich.text import Text

    shown = widths(columns, rows, width)
    left_out = [column for i, column in enumerate(columns) if i not in shown]
    said = f"left out for the terminal's width: {', '.join(left_out)} (--json shows them)"
    caption = textwrap.fill(said, width, break_long_words=False, break_on_hyphens=False) if left_out else None
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
    for index, size in shown.items():
        table.add_column(columns[index], no_wrap=True, overflow="ellipsis", width=size)
    for row in rows:
        table.add_row(*(Text(row[i]) for i in shown))
    return table
