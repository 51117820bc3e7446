"""Which stacks `apply` runs: those whose fingerprint differs from the one their last successful up recorded
(or that have none); the others are left alone, with status ``unchanged``. ``--all`` and ``--refresh`` run
every stack.

The records are read once per project, from the state backend directly when the engine can
(``engine.recorded_fingerprints``), so deciding costs no engine operation per stack.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from saas_ctl.engine import base as engine_base
from saas_ctl.engine.base import Fingerprint, Operation, StackResult, StackTarget, Status
from saas_ctl.orchestration.orchestrator import RunReport
from saas_ctl.orchestration.session import Session

NO_RECORD = "no fingerprint recorded: its last up failed, was interrupted, or ran before fingerprints"
NOT_READABLE = "this engine or backend keeps no fingerprints saasctl can read: every stack runs"


@dataclass(frozen=True)
class Decision:
    target: StackTarget
    run: bool
    reason: str


@dataclass(frozen=True)
class Converge:
    """How `apply` chooses: ``everything`` runs every stack (--all, --refresh); ``refresh`` refreshes each
    stack's state from the cloud before its up."""

    everything: bool = False
    refresh: bool = False

    def decide(self, session: Session, stacks: Sequence[StackTarget], existing: Collection[str]) -> list[Decision]:
        """One decision per stack, in order; the records of their project are read once."""
        if not stacks:
            return []
        stacks = [replace(t, refresh=True) for t in stacks] if self.refresh else list(stacks)
        if self.everything or self.refresh:
            why = "--refresh: every stack is refreshed and deployed" if self.refresh else "--all: every stack runs"
            return [Decision(t, True, why) for t in stacks]
        recorded = engine_base.recorded_fingerprints(session.engine, stacks[0].project)
        return [_decision(t, recorded, existing) for t in stacks]


EVERY = Converge(everything=True)  # tenant up, platform up: what was asked for always runs


def _decision(target: StackTarget, recorded: dict[str, Fingerprint] | None, existing: Collection[str]) -> Decision:
    if recorded is None or target.fingerprint is None:
        return Decision(target, True, NOT_READABLE)
    if target.stack not in existing:
        return Decision(target, True, "not deployed yet")
    last = recorded.get(target.stack)
    if last is None:
        return Decision(target, True, NO_RECORD)
    changed = target.fingerprint.differences(last)
    if changed:
        return Decision(target, True, "; ".join(changed))
    when = f" ({last.recorded_at})" if last.recorded_at else ""
    return Decision(target, False, f"unchanged since its last successful up{when}")


def run(
    operation: Operation,
    decisions: Sequence[Decision],
    call: Callable[[list[StackTarget]], RunReport],
) -> RunReport:
    """``call`` runs the stacks to run (an orchestrator's run); the others join its report as ``unchanged``, in
    the decisions' order, and every result says why it ran or not."""
    to_run = [d.target for d in decisions if d.run]
    report = call(to_run) if to_run else RunReport(operation)
    ran = {r.target.label: r for r in report.results}
    results = []
    for decision in decisions:
        label = decision.target.label
        if label in ran:
            results.append(replace(ran[label], reason=decision.reason))
        else:
            results.append(StackResult(decision.target, operation, Status.UNCHANGED, reason=decision.reason))
    report.results = results
    return report
