"""What a run of stack operations printed: a summary table or one JSON document, the retry command, and the
exit status (1 when something failed, 130 when interrupted)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from saas_ctl.cli.output import Output, markup_escaped
from saas_ctl.errors import EXIT_FAILED, EXIT_INTERRUPTED, ExitStatus

if TYPE_CHECKING:  # imported where used: `saasctl --help` should not pay for the orchestration
    from rich.table import Table

    from saas_ctl.orchestration.orchestrator import RunReport
    from saas_ctl.service.interaction import Outcome


def conclude(output: Output, outcome: "Outcome") -> None:
    """Print what a service ran and end with its exit status."""
    if not output.json_mode:
        for line in outcome.done:
            output.success(line)
        for line in outcome.notes:
            output.info(line)
    finish(output, outcome.reports, outcome.retry, outcome.extra)


def finish(
    output: Output,
    reports: "list[RunReport]",
    retry: Callable[[list[str]], str] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Print the results (a summary table, or one JSON document) and exit 0, 1 or 130."""
    from saas_ctl.engine.base import Status

    results = [r for report in reports for r in report.results]
    interrupted = any(report.interrupted for report in reports)
    failed = [r for r in results if r.status is Status.FAILED]
    failed_tenants = [r.target.tenant for r in failed if r.target.tenant]
    retry_command = retry(failed_tenants) if retry and failed_tenants else None
    document = {
        "results": [r.to_json() for r in results],
        "interrupted": interrupted,
        "retry": retry_command,
        **(extra or {}),
    }

    def text() -> None:
        if results:
            output.stderr.print(_summary(results))
        for note in dict.fromkeys(r.note for r in results if r.note):
            output.stderr.print(f"note: {note}", markup=False)
        for result in failed:
            output.stderr.print(f"[red]failed:[/red] {markup_escaped(result.error or 'unknown error')}")
        if retry_command:
            output.stderr.print(f"retry the failed ones: {retry_command}", markup=False)
        if interrupted:
            cancelled = [r.target.tenant or r.target.label for r in results if r.status is Status.CANCELLED]
            output.stderr.print(f"interrupted; not completed: {', '.join(cancelled)}", markup=False)

    output.result(document, text)
    if interrupted:
        raise ExitStatus(EXIT_INTERRUPTED)
    if failed:
        raise ExitStatus(EXIT_FAILED)


def _summary(results: list[Any]) -> "Table":
    from rich.table import Table

    from saas_ctl.engine.base import Status

    table = Table(title="result", title_justify="left")
    for column in ("stack", "operation", "status", "changes"):
        table.add_column(column, overflow="fold")
    colour = {Status.SUCCEEDED: "green", Status.FAILED: "red", Status.CANCELLED: "yellow"}
    for r in results:
        changes = ", ".join(f"{k} {v}" for k, v in sorted(r.changes.items())) or "-"
        table.add_row(
            markup_escaped(r.target.label),
            str(r.operation),
            f"[{colour[r.status]}]{r.status}[/]",
            markup_escaped(changes),
        )
    return table
