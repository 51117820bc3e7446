"""What the service layer needs from whoever runs a command, and what it gives back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from saas_ctl.engine.base import StackResult
    from saas_ctl.orchestration.orchestrator import RunReport
    from saas_ctl.orchestration.session import Session
    from saas_ctl.preflight.findings import Finding


class Interaction(Protocol):
    """A terminal, or CI: says things, asks (only when ``interactive``), and shows stack operations running."""

    @property
    def interactive(self) -> bool: ...

    def notice(self, text: str) -> None: ...

    def warn(self, text: str) -> None: ...

    def success(self, text: str) -> None: ...

    def ask(self, question: str) -> bool: ...

    def show_changes(self, results: Sequence[StackResult]) -> None:
        """What a preview says will change, stack by stack and resource by resource, ending with a line for each
        resource holding data that is replaced or deleted: shown just before a question."""
        ...

    def running(self, session: Session) -> AbstractContextManager[Session]:
        """Progress shown and interrupts handled while the block runs; yields the session to run with."""
        ...


@dataclass
class Outcome:
    """What a command ran: its reports, how to retry what failed (given the failed tenants), what the JSON
    document adds, and the lines a person reads after the run (the document carries the same facts)."""

    reports: list[RunReport]
    retry: Callable[[list[str]], str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)  # for a person, after the run: what it achieved
    notes: list[str] = field(default_factory=list)  # and what they should know
    # What a preview found would change that no result shows: stacks it could not preview yet, stacks to destroy.
    unpreviewed_changes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # preflight's warnings, for a dry run's report
    # Steps of saasctl's own that failed after the stack operations succeeded (the file edit after a destroy): each
    # says what was done and what was not; the run exits 1.
    incomplete: list[str] = field(default_factory=list)
