"""`apply`: converge every stack to tenants.yaml, optionally one shard of the fleet per CI job.

Shards are chosen by a hash of the tenant's name, so a tenant's shard never depends on the other tenants:
adding or removing one moves no other tenant, and N jobs with shards 1/N .. N/N cover every tenant once.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from infra.outputs import PlatformOutputs
from saas_ctl.aws import hooks
from saas_ctl.engine.base import ErrorKind, Operation, StackResult, StackTarget, Status
from saas_ctl.errors import Refused, UsageError
from saas_ctl.orchestration.orchestrator import Preparer, RunReport
from saas_ctl.orchestration.session import Session
from saas_ctl.spec import store
from saas_ctl.spec.loader import LoadedSpec
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import guards, operations, port_change, state, targets
from saas_ctl.stacks.converge import EVERY, Converge
from saas_ctl.stacks.state import Deployed

_SHARD_RE = re.compile(r"(\d+)/(\d+)")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SHARD_RE.fullmatch(text.strip())
        if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise UsageError(f"--shard {text!r} is not K/N with 1 <= K <= N", hint="for example --shard 2/4")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def updates_platform(self) -> bool:
        return self.index == 1

    def owns(self, tenant: str) -> bool:
        return shard_of(tenant, self.count) == self.index


ALL = Shard(1, 1)


def shard_of(tenant: str, count: int) -> int:
    """The 1-based shard of ``tenant`` among ``count``: a stable hash, independent of every other tenant."""
    digest = hashlib.sha256(tenant.encode()).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


@dataclass(frozen=True)
class ApplyPlan:
    tenants: list[str]
    orphans: list[str]


def plan(loaded: LoadedSpec, deployed: Sequence[str], shard: Shard, prune: bool) -> ApplyPlan:
    declared = [t.name for t in loaded.spec.tenants]
    orphans = sorted(set(deployed) - set(declared)) if prune else []
    return ApplyPlan([n for n in declared if shard.owns(n)], [n for n in orphans if shard.owns(n)])


def wait_for_platform(
    session: Session,
    loaded: LoadedSpec,
    wait_seconds: float,
    deployed: Deployed | None = None,
    sleep: Callable[[float], None] | None = None,
    poll_seconds: float = 15.0,
) -> PlatformOutputs | None:
    """The platform's outputs (from ``deployed``, else read); shards other than the first may wait for shard 1
    to deploy it (with every cell the file's tenants are in), reading it again at every poll. None when the
    command is interrupted while it waits (the wait ends at once on Ctrl-C or SIGTERM)."""
    pause = sleep or session.cancellation.wait
    deadline = time.monotonic() + wait_seconds
    everyone = [t.name for t in loaded.spec.tenants]
    current = deployed or state.read(session, loaded.spec)
    while True:
        try:
            platform = current.platform()
            guards.refuse_missing_cells(loaded.spec, platform, everyone)
            return platform
        except Refused:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise
            pause(min(poll_seconds, remaining))
            if session.cancellation.is_set():
                return None
            current = current.platform_changed()


def apply(
    session: Session,
    loaded: LoadedSpec,
    shard: Shard = ALL,
    prune: bool = False,
    platform_wait_seconds: float = 0.0,
    deployed: Deployed | None = None,
    choose: Converge = EVERY,
) -> list[RunReport]:
    """Platform first (shard 1 only), then every tenant of the shard, then (with ``prune``) its orphans.
    ``deployed``: what the command has read of the deployed state (else it is read here); ``choose``: which
    stacks run (by default every one; `apply` skips those whose fingerprint is unchanged)."""
    spec = loaded.spec
    deployed = deployed or state.read(session, spec)
    # Orphans recorded for another environment, Region or account are refused before anything runs.
    deployed.refuse_foreign_tenants(plan(loaded, deployed.tenants, shard, prune).orphans)
    reports: list[RunReport] = []
    if shard.updates_platform:
        platform_report = operations.platform(session, loaded, Operation.UP, deployed, choose)
        reports.append(platform_report)
        if not platform_report.ok:
            return reports  # tenants would be built against a platform that is not what the file says
        if any(r.status is not Status.UNCHANGED for r in platform_report.results):
            deployed = deployed.platform_changed()
    platform = wait_for_platform(session, loaded, 0.0 if shard.updates_platform else platform_wait_seconds, deployed)
    work = plan(loaded, deployed.tenants, shard, prune)
    if platform is None:  # interrupted while waiting for shard 1: the shard's tenants were never started
        reports.append(never_started(session, spec, work.tenants))
        return reports
    kept = hooks.kept_data(session, spec, work.tenants, deployed.tenants)
    orchestrator = session.orchestrator()
    stacks = targets.tenants_for(session, spec, work.tenants, platform, kept=kept)
    decisions = choose.decide(session, stacks, deployed.tenants)
    decisions = operations.with_resumes(session, spec, platform, deployed, decisions, kept)
    declared = store.DeclaredNow(session.file)
    after = hooks.after_deploy(session, spec, platform)
    before = still_declared(session, declared, hooks.before_deploy(session, spec, platform))

    def first_passes(ports_from: Mapping[str, int]) -> list[StackTarget]:
        return targets.tenants_for(session, spec, sorted(ports_from), platform, kept=kept, ports_from=ports_from)

    reports.append(
        port_change.deploy(
            session,
            spec,
            deployed,
            decisions,
            lambda run: orchestrator.run(Operation.UP, run, after, before),
            first_passes,
        )
    )
    if work.orphans and not orchestrator.cancelled and not (session.options.fail_fast and reports[-1].failed):
        reports.append(prune_orphans(session, loaded, work.orphans, declared))
    return reports


def never_started(session: Session, spec: TenantsFile, names: Sequence[str]) -> RunReport:
    """The report of a run interrupted before its tenants' stacks started: each cancelled, not started."""
    placeholder = targets.placeholder_platform(spec)
    results = [
        StackResult(target, Operation.UP, Status.CANCELLED, error="not started", error_kind=ErrorKind.CANCELLED)
        for target in targets.tenants_for(session, spec, names, placeholder)
    ]
    return RunReport(Operation.UP, results, interrupted=True)


def still_declared(session: Session, declared: store.DeclaredNow, then: Preparer | None) -> Preparer:
    """Before a tenant's stack is deployed (and before each retry of it): the file is read again under its lock,
    and a tenant removed meanwhile (`tenant destroy` by another process) is not re-created. `tenant destroy` holds
    the lock while it destroys, so this waits for one in progress."""

    def check(target: StackTarget) -> StackResult | None:
        if target.tenant is not None and target.tenant not in declared.names():
            return StackResult(
                target,
                Operation.UP,
                Status.SUCCEEDED,
                note=f"tenant {target.tenant} was removed from {session.file} by another command while this one ran:"
                " its stack was not deployed",
            )
        return then(target) if then is not None else None

    return check


def prune_orphans(
    session: Session, loaded: LoadedSpec, orphans: Sequence[str], declared: store.DeclaredNow
) -> RunReport:
    """Destroy the stacks of tenants no longer declared, under the file's lock, reading the file again first: a
    tenant declared again meanwhile (`tenant add` in another process) is left alone, and an edit that comes while
    the stacks are being destroyed waits for them (up to the lock's timeout, naming this process)."""
    purpose = f"saasctl apply --prune: destroying the stacks of {', '.join(orphans)}"
    with store.fleet_lock(session.file, purpose):
        now = declared.names()
        gone = [name for name in orphans if name not in now]
        report = session.orchestrator().run(Operation.DESTROY, orphan_targets(loaded, gone))
    for name in orphans:
        if name in now:
            target = targets.orphan_target(loaded.spec, name)
            note = f"tenant {name} was added to {session.file} again by another command: its stack was not destroyed"
            report.results.append(StackResult(target, Operation.DESTROY, Status.SUCCEEDED, note=note))
    return report


@dataclass(frozen=True)
class FleetPreview:
    reports: list[RunReport]
    not_previewed: list[str]  # tenants whose stack needs a platform (or a cell) that does not exist yet
    would_destroy: list[str]  # with prune: the orphans' stacks


def preview(
    session: Session,
    loaded: LoadedSpec,
    shard: Shard = ALL,
    prune: bool = False,
    deployed: Deployed | None = None,
    choose: Converge = EVERY,
) -> FleetPreview:
    """What `apply` would change, stack by stack, changing nothing: the engine's preview of the platform and of
    every tenant it can preview (a tenant needs the deployed platform and its cell to be previewed).
    ``deployed``: what the command has read of the deployed state (else it is read here); ``choose``: the stacks
    `apply` would skip are not previewed, their results say ``unchanged`` and why."""
    spec = loaded.spec
    deployed = deployed or state.read(session, spec)
    reports: list[RunReport] = []
    if shard.updates_platform:
        reports.append(operations.platform(session, loaded, Operation.PREVIEW, deployed, choose))
    work = plan(loaded, deployed.tenants, shard, prune)
    try:
        platform = deployed.platform()
    except Refused:
        return FleetPreview(reports, work.tenants, work.orphans)
    waiting = guards.waiting_for_cells(spec, platform, work.tenants)
    ready = [name for name in work.tenants if name not in waiting]
    if ready:  # (no names would mean every declared tenant)
        reports.append(operations.tenants(session, loaded, ready, Operation.PREVIEW, deployed, choose=choose))
    return FleetPreview(reports, [n for n in work.tenants if n in waiting], work.orphans)


def orphan_targets(loaded: LoadedSpec, names: Sequence[str]) -> list[StackTarget]:
    return [targets.orphan_target(loaded.spec, name) for name in names]
