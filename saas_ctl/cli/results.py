"""What a run of stack operations printed: a summary table or one JSON document, what a preview says will
change resource by resource, the retry command, and the exit status (1 when something failed, 130 when
interrupted, and with ``--detailed-exitcode`` 3 when a preview found changes pending)."""

from typing import TYPE_CHECKING, Any

from saas_ctl.cli.output import Output, markup_escaped
from saas_ctl.cli.streamed import Streamed
from saas_ctl.errors import EXIT_CHANGES_PENDING, EXIT_FAILED, EXIT_INTERRUPTED, ExitStatus

if TYPE_CHECKING:  # imported where used: `saasctl --help` should not pay for the orchestration
    from rich.table import Table

    from saas_ctl.engine.base import StackResult
    from saas_ctl.service.interaction import Outcome


def conclude(output: Output, outcome: "Outcome", diff: bool = False, detailed_exitcode: bool = False) -> None:
    """Print what a service ran (a summary table, or one JSON document) and end with its exit status: 0, 1 or
    130; with ``detailed_exitcode``, 3 when its previews found changes pending. ``diff``: previews list each
    changed property, old and new."""
    from saas_ctl.cli.changes import data_warnings, stack_lines
    from saas_ctl.engine.base import Operation, Status

    results = [r for report in outcome.reports for r in report.results]
    interrupted = any(report.interrupted for report in outcome.reports) or output.interrupted
    failed = [r for r in results if r.status is Status.FAILED]
    failed_tenants = [r.target.tenant for r in failed if r.target.tenant]
    retry = outcome.retry(failed_tenants) if outcome.retry and failed_tenants else None
    retry_command = output.invocation.command(retry) if retry else None
    previews = [r for r in results if r.operation is Operation.PREVIEW and r.ok]
    pending = any(r.changes_pending for r in previews) or bool(outcome.unpreviewed_changes)
    port_changes = [change for report in outcome.reports for change in report.port_changes]
    document: dict[str, Any] = {
        # Each result made into JSON only as the document is written (cli/streamed.py): never all at once.
        "results": Streamed(results, _result_json),
        "summary": counts(results),
        "interrupted": interrupted,
        "retry": retry_command,
        **({"incomplete": outcome.incomplete} if outcome.incomplete else {}),
        **({"changes_pending": pending} if previews or outcome.unpreviewed_changes else {}),
        **({"port_changes": [change.to_json() for change in port_changes]} if port_changes else {}),
        **outcome.extra,
    }

    def text() -> None:
        for line in outcome.done:
            output.success(line)
        for change in port_changes:
            output.info(change.describe())
        for line in outcome.notes:
            output.info(line)
        for result in previews:
            if result.changes_pending:
                for line in stack_lines(result, diff):
                    output.info(line)
        if results:
            output.stderr.print(_summary(results))
            output.stderr.print(", ".join(f"{n} {status}" for status, n in counts(results).items() if n), markup=False)
        for line in data_warnings(previews):
            output.warn(line)
        for note in dict.fromkeys(r.note for r in results if r.note):
            output.stderr.print(f"note: {note}", markup=False)
        for result in failed:
            output.stderr.print(f"[red]failed:[/red] {markup_escaped(result.error or 'unknown error')}")
        for line in outcome.incomplete:
            output.stderr.print(f"[red]failed:[/red] {markup_escaped(line)}")
        if retry_command:
            output.stderr.print(f"retry the failed ones: {retry_command}", markup=False)
        if interrupted:
            cancelled = [r.target.tenant or r.target.label for r in results if r.status is Status.CANCELLED]
            output.stderr.print(f"interrupted; not completed: {', '.join(cancelled)}", markup=False)

    output.result(document, text)
    _end(interrupted, bool(failed) or bool(outcome.incomplete), detailed_exitcode and pending)


def conclude_markdown(output: Output, outcome: "Outcome", file: str, detailed_exitcode: bool = False) -> None:
    """A dry run's outcome as a pull request comment on stdout (cli/markdown.py), with conclude's exit status."""
    from saas_ctl.cli.markdown import comment
    from saas_ctl.engine.base import Operation, Status

    results = [r for report in outcome.reports for r in report.results]
    previews = [r for r in results if r.operation is Operation.PREVIEW and r.ok]
    pending = any(r.changes_pending for r in previews) or bool(outcome.unpreviewed_changes)
    output.print(comment(outcome, file).rstrip("\n"))
    interrupted = any(report.interrupted for report in outcome.reports)
    failed = any(r.status is Status.FAILED for r in results) or bool(outcome.incomplete)
    _end(interrupted, failed, detailed_exitcode and pending)


def _result_json(result: "StackResult") -> dict[str, Any]:
    return result.to_json()


def _end(interrupted: bool, failed: bool, changes_pending: bool) -> None:
    if interrupted:
        raise ExitStatus(EXIT_INTERRUPTED)
    if failed:
        raise ExitStatus(EXIT_FAILED)
    if changes_pending:
        raise ExitStatus(EXIT_CHANGES_PENDING)


def _summary(results: "list[StackResult]") -> "Table":
    from rich.table import Table

    from saas_ctl.engine.base import Status

    table = Table(title="result", title_justify="left")
    for column in ("stack", "operation", "status", "changes"):
        table.add_column(column)  # wrapped at spaces, never mid-word
    colour = {Status.SUCCEEDED: "green", Status.FAILED: "red", Status.CANCELLED: "yellow", Status.UNCHANGED: "dim"}
    for r in results:
        changes = ", ".join(f"{k} {v}" for k, v in sorted(r.changes.items())) or "-"
        table.add_row(
            markup_escaped(r.target.label),
            str(r.operation),
            f"[{colour[r.status]}]{r.status}[/]",
            markup_escaped(changes),
        )
    return table


def counts(results: "list[StackResult]") -> dict[str, int]:
    """How many stacks ended in each status (``unchanged``: skipped by `apply`, their fingerprint unchanged)."""
    from saas_ctl.engine.base import Status

    return {str(status): sum(1 for r in results if r.status is status) for status in Status}
