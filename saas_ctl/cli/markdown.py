"""`apply --dry-run --format markdown`: what a dry run found, as a pull request comment.

Per stack that would change, one table of its resources to replace, delete, create, update or import
(replacements and deletes first, as every preview orders them: saas_ctl/engine/changes.py), each replacement
with the properties that force it; a line for each replacement or delete of a resource that holds data; the
stacks the run could not preview and those --prune would destroy; failures; preflight's findings; and one
summary line. Pure: the outcome in, the text out (GitHub-flavoured Markdown).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from saas_ctl.cli.changes import counted_summary, data_warnings, summary
from saas_ctl.engine.changes import MARKS, ResourceChange, ordered

if TYPE_CHECKING:
    from saas_ctl.engine.base import StackResult
    from saas_ctl.preflight.findings import Finding
    from saas_ctl.service.interaction import Outcome

MARKER = "<!-- saasctl apply --dry-run -->"  # a workflow finds its earlier comment by it, to update it


def cell(text: str) -> str:
    """Text inside a table cell: a pipe would end the cell, a newline the row."""
    return text.replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def comment(outcome: Outcome, file: str) -> str:
    """The whole comment."""
    return "\n".join(_lines(outcome, file)) + "\n"


def _lines(outcome: Outcome, file: str) -> Iterator[str]:
    from saas_ctl.engine.base import Operation, Status

    results = [r for report in outcome.reports for r in report.results if r.operation is Operation.PREVIEW]
    changing = [r for r in results if r.ok and r.changes_pending]
    failed = [r for r in results if r.status in (Status.FAILED, Status.CANCELLED)]
    skipped = [r for r in results if r.status is Status.UNCHANGED]
    yield MARKER
    yield f"### saasctl: what merging this would change ({code(file)})"
    yield ""
    for result in changing:
        yield from _stack(result)
    warnings = data_warnings(changing)
    if warnings:
        yield "**Data at risk:**"
        yield ""
        yield from (f"- :warning: {line}" for line in warnings)
        yield ""
    later = [*outcome.extra.get("not_previewed", [])]
    destroyed = [*outcome.extra.get("would_destroy", [])]
    if later or destroyed:
        yield "**Not previewed:**"
        yield ""
        yield from (f"- {code(name)}: would be created once the platform (or its cell) is up" for name in later)
        yield from (
            f"- {code(name)}: its stack would be destroyed (`--prune`; bucket and secret kept)" for name in destroyed
        )
        yield ""
    if skipped:
        names = ", ".join(code(r.target.tenant or r.target.label) for r in skipped)
        yield f"**Skipped** (unchanged since their last successful deploy): {names}"
        yield ""
    if failed:
        yield "**Previews that failed:**"
        yield ""
        yield from (f"- {code(r.target.label)}: {cell(r.error or str(r.status))}" for r in failed)
        yield ""
    yield from _preflight(outcome.findings, file)
    yield from _cost(outcome.extra.get("monthly_cost"))
    yield _summary([r for r in results if r not in skipped], changing, failed, later, destroyed, len(skipped))


def _stack(result: StackResult) -> Iterator[str]:
    yield f"#### {code(result.target.label)}: {summary(result)}"
    yield ""
    detail: Sequence[ResourceChange] = ordered(result.changes_detail or ())  # whatever order the engine gave
    if not detail:
        yield "(the engine gave no resource list)"
        yield ""
        return
    yield "| | operation | type | name | forced by |"
    yield "|---|---|---|---|---|"
    for change in detail:
        forced = ", ".join(code(key) for key in change.replace_keys)
        yield (
            f"| {code(MARKS[change.op])} | {change.op} | {code(change.type)} | {code(change.name)} | {cell(forced)} |"
        )
    yield ""


def _preflight(findings: Sequence[Finding], file: str) -> Iterator[str]:
    from saas_ctl.spec.loader import format_path

    if not findings:
        yield "**Preflight:** passed, no findings."
        yield ""
        return
    yield f"**Preflight:** passed with {len(findings)} finding(s):"
    yield ""
    for finding in findings:
        where = f"{file}:{finding.line}" if finding.line else file
        path = format_path(finding.path)
        fix = f" (fix: {finding.fix})" if finding.fix else ""
        yield f"- {finding.severity} {code(finding.code)} {code(where)}{' ' + code(path) if path else ''}: " + cell(
            finding.message + fix
        )
    yield ""


def _cost(cost: dict[str, object] | None) -> Iterator[str]:
    """The environment's monthly cost as the file asks (`saasctl cost`), and what the tenants it creates add."""
    if not cost:
        return
    from saas_ctl.cost.change import describe_fleet_cost

    yield f"**Monthly cost:** {cell(describe_fleet_cost(cost).removeprefix('monthly cost: '))}"
    yield ""


def _summary(
    results: Sequence[StackResult],
    changing: Sequence[StackResult],
    failed: Sequence[StackResult],
    later: Sequence[str],
    destroyed: Sequence[str],
    skipped: int,
) -> str:
    totals: dict[str, int] = {}
    for result in changing:
        for op, count in result.changes.items():
            if op != "same" and count:
                totals[op] = totals.get(op, 0) + count
    changes = counted_summary(totals)
    parts = [f"{len(changing)} of {len(results)} stack(s) previewed would change ({changes})"]
    if later:
        parts.append(f"{len(later)} to create later")
    if destroyed:
        parts.append(f"{len(destroyed)} to destroy")
    if skipped:
        parts.append(f"{skipped} skipped as unchanged")
    if failed:
        parts.append(f"{len(failed)} preview(s) failed")
    return "**Summary:** " + "; ".join(parts) + "."
