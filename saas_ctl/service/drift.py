"""`saasctl drift`: what AWS holds differently from the state of every stack (or of named tenants), found by a
refresh-preview that changes neither; the scheduled way to find changes made behind saasctl's back (DESIGN.md,
decision 11), since `apply` skips the stacks whose inputs did not change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from saas_ctl.engine import base as engine_base
from saas_ctl.engine.base import ChangeOp, Operation, StackResult
from saas_ctl.errors import UsageError
from saas_ctl.service.interaction import Interaction, Outcome
from saas_ctl.spec import loader
from saas_ctl.stacks import state, targets

if TYPE_CHECKING:
    from saas_ctl.orchestration.session import Session


@dataclass(frozen=True)
class DriftRequest:
    tenants: tuple[str, ...] = ()  # only these tenants' stacks; empty: the platform and every tenant stack


def drift(session: Session, ui: Interaction, request: DriftRequest) -> Outcome:
    """A refresh-preview of each stack, at most --parallel at once. Stacks are read from their state alone (no
    program runs), so a tenant stack no longer declared is looked at too."""
    if not engine_base.capabilities(session.engine).drift:
        raise UsageError(
            "this engine cannot look for drift (it has no refresh-preview)",
            hint="use the Pulumi engine: SAASCTL_ENGINE=pulumi",
        )
    spec = loader.load(session.file).spec
    state.check_engine(session, operating=True)
    deployed = state.read(session, spec)
    existing = deployed.tenants
    missing = [name for name in request.tenants if name not in existing]
    if missing:
        raise UsageError(
            f"tenant {missing[0]!r} has no stack to look at",
            hint=f"deployed tenants: {', '.join(existing) or 'none'}",
        )
    platform = targets.platform_target(spec, legacy_network=targets.legacy_network(deployed.platform_stack))
    stacks = [platform] if not request.tenants and deployed.platform_stack else []
    stacks += [targets.orphan_target(spec, name) for name in (request.tenants or existing)]
    with ui.running(session) as live:
        report = live.orchestrator().run(Operation.DRIFT, stacks)
    found = findings(report.results)
    return Outcome([report], extra={"drift_found": bool(found), "drift": found})


def findings(results: Sequence[StackResult]) -> list[dict[str, Any]]:
    """Every difference, one per resource property (or per resource gone from AWS): what the state expects and
    what AWS was found to hold."""
    found = []
    for result in results:
        for change in result.changes_detail or ():
            where = {
                "stack": result.target.label,
                "tenant": result.target.tenant,
                "resource": change.name,
                "type": change.type,
            }
            if change.op is ChangeOp.DELETE or not change.properties:
                found.append({**where, "property": None, "expected": "present", "found": "absent"})
            for prop in change.properties:
                found.append({**where, "property": prop.path, "expected": prop.old, "found": prop.new})
    return found
