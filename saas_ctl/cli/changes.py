"""What a preview says will change, as a person reads it: per stack, each resource replaced, deleted, created,
updated or imported (replacements and deletes first, each marked like Pulumi marks it), the properties that
force a replacement, with ``--diff`` each changed property's old and new value (secrets masked), and a line
of its own for every replacement or delete of a resource that holds data. Pure: results in, lines out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from saas_ctl.engine.base import StackResult
from saas_ctl.engine.changes import MARKS, ChangeOp, ResourceChange

ARROW = "→"


def summary(result: StackResult) -> str:
    """``replace 15, update 11``, in the order a reader weighs them; ``no changes`` when nothing changes."""
    return counted_summary(result.changes)


def counted_summary(changes: Mapping[str, int]) -> str:
    """A change summary (``{"update": 11, "replace": 15, "same": 3}``) as ``replace 15, update 11``."""
    counted = {op: count for op, count in changes.items() if op != "same" and count}
    known = [str(op) for op in ChangeOp]
    ordered = sorted(counted, key=lambda op: (known.index(op) if op in known else len(known), op))
    return ", ".join(f"{op} {counted[op]}" for op in ordered) or "no changes"


def value(shown: Any) -> str:
    """A property value on one line: strings quoted, structures as compact JSON, nothing as ``(none)``."""
    if shown is None:
        return "(none)"
    if shown in ("[secret]", "(known after the deploy)"):
        return str(shown)
    return json.dumps(shown, ensure_ascii=False, separators=(", ", ": "), default=str)


def change_lines(change: ResourceChange, diff: bool = False) -> Iterator[str]:
    """One resource: mark, operation, type, logical name, what forces a replacement; with ``diff`` its
    properties, old and new."""
    forced = f" (forced by {', '.join(change.replace_keys)})" if change.replace_keys else ""
    yield f"{MARKS[change.op]:<2} {change.op:<7} {change.type} {change.name}{forced}"
    if diff:
        for prop in change.properties:
            replaces = " (forces replacement)" if prop.replaces else ""
            yield f"     {prop.path}: {value(prop.old)} {ARROW} {value(prop.new)}{replaces}"


def stack_lines(result: StackResult, diff: bool = False) -> Iterator[str]:
    """One stack: its label and summary, then (when its engine says) each resource that changes."""
    yield f"{result.target.label}: {summary(result)}"
    for change in result.changes_detail or ():
        for line in change_lines(change, diff):
            yield f"  {line}"


def preview_lines(results: Iterable[StackResult], diff: bool = False) -> list[str]:
    """Every stack of a preview, as the question before a deploy shows them."""
    return [f"  {line}" for result in results for line in stack_lines(result, diff)]


def data_warnings(results: Sequence[StackResult]) -> list[str]:
    """One line per replacement or delete of a resource that holds data (infra/data_resources.py)."""
    lines = []
    for result in results:
        for change in result.changes_detail or ():
            if change.loses_data:
                verb = "replaces" if change.op is ChangeOp.REPLACE else "deletes"
                forced = f", forced by {', '.join(change.replace_keys)}" if change.replace_keys else ""
                lines.append(
                    f"{result.target.label} {verb} {change.data_resource} ({change.type} {change.name}){forced}"
                )
    return lines
