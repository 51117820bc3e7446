"""Running a release's waves, one after the other, through the tenant deploy path (the orchestrator, the rollout
wait) with the health gate after each: a wave whose gate fails (more tenants failing than the release tolerates)
stops the release and its tenants that took the new image are deployed again with the image they ran before.

Every step is written to the record as it happens, so a release stopped anywhere (a failed gate, Ctrl-C, a
killed process) says where it stopped and `release resume` continues from there, deploying nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from saas_ctl.engine.base import ErrorKind, Operation, StackResult, Status
from saas_ctl.orchestration.orchestrator import RunReport
from saas_ctl.releases import gate as health
from saas_ctl.releases.record import Release, ReleaseStatus, TenantStatus, now
from saas_ctl.stacks import operations

if TYPE_CHECKING:
    from saas_ctl.orchestration.orchestrator import Verifier
    from saas_ctl.orchestration.session import Session
    from saas_ctl.releases.gate import Gate
    from saas_ctl.releases.record import RecordStore
    from saas_ctl.spec.loader import LoadedSpec
    from saas_ctl.stacks.state import Deployed


@dataclass(frozen=True)
class Runner:
    """What a release's waves run with: the command's live session (progress, Ctrl-C), where the record is kept,
    the file as read (each tenant's stack is built from it with the image it should run), what is deployed, the
    gate, and the release's bake and tolerance."""

    session: Session
    records: RecordStore
    loaded: LoadedSpec
    deployed: Deployed
    gate: Gate
    bake: float
    max_failures: int
    poll: float = health.POLL_SECONDS
    say: Callable[[str], None] = lambda text: None  # a line for a person as each step starts

    def run(self, release: Release) -> list[RunReport]:
        """Every wave from the release's current one, while it runs; the record saved after each step."""
        reports: list[RunReport] = []
        while release.status is ReleaseStatus.RUNNING and release.wave < len(release.waves):
            reports += self._wave(release)
            self.records.save(release)
        if release.status is ReleaseStatus.RUNNING:
            release.status = ReleaseStatus.COMPLETED
            release.finished_at = now()
            self.records.save(release)
        return reports

    def _wave(self, release: Release) -> list[RunReport]:
        wave = release.waves[release.wave]
        if self.session.cancellation.is_set():
            return _stopped(release, ReleaseStatus.INTERRUPTED, f"interrupted before {wave.name}")
        names = [name for name in wave.tenants if release.tenants[name].status is not TenantStatus.SUCCEEDED]
        for name in names:  # tried again (a resumed wave): an earlier failure no longer counts
            release.tenants[name].status, release.tenants[name].error = TenantStatus.PENDING, None
        declared = {tenant.name for tenant in self.loaded.spec.tenants}
        for name in [name for name in names if name not in declared]:  # removed from the file since it started
            release.tenants[name].status, release.tenants[name].error = TenantStatus.FAILED, "no longer declared"
            names.remove(name)
        tolerated = max(0, self.max_failures - len(release.failures))
        self.say(f"{wave.name}: deploying {release.image} to {_listed(names)}")
        report = self._deploy(names, {name: release.image for name in names}, tolerated, _verifier(self.gate))
        _record_deploys(release, report)
        if self.session.cancellation.is_set():  # not a wave stopped by its failures: a Ctrl-C
            return _stopped(release, ReleaseStatus.INTERRUPTED, f"interrupted during {wave.name}", [report])
        failed = [r.target.tenant or "" for r in report.results if r.status is Status.FAILED]
        if len(release.failures) <= self.max_failures:
            failed += self._bake(release, report)
            if self.session.cancellation.is_set():
                return _stopped(release, ReleaseStatus.INTERRUPTED, f"interrupted while {wave.name} baked", [report])
        if len(release.failures) > self.max_failures:
            took = [name for name in wave.tenants if release.tenants[name].runs == release.image]
            reason = f"{wave.name} failed its health gate: {', '.join(failed)}"
            return _stopped(release, ReleaseStatus.FAILED, reason, [report, *self._roll_back(release, took)])
        release.wave += 1
        took = [name for name in failed if release.tenants[name].runs == release.image]
        return [report, *self._roll_back(release, took)]  # failures it tolerates (--max-failures) go back alone

    def _bake(self, release: Release, report: RunReport) -> list[str]:
        """The wave's tenants watched for the bake time; those found unhealthy are failed."""
        outputs = {r.target.tenant or "": r.outputs for r in report.results if r.ok}
        cancellation = self.session.cancellation
        if self.bake > 0:
            self.say(f"{release.waves[release.wave].name}: baking for {self.bake:g} s")
        problems = health.bake(self.gate, outputs, self.bake, cancellation.wait, cancellation.is_set, poll=self.poll)
        for name, problem in problems.items():
            entry = release.tenants[name]
            entry.status, entry.error = TenantStatus.FAILED, f"health gate during the bake: {problem}"
        return list(problems)

    def _roll_back(self, release: Release, names: list[str]) -> list[RunReport]:
        """Deploy ``names`` again with the image each ran before the release."""
        if not names:
            return []
        self.say(f"rolling back {_listed(names)} to the image each ran before")
        report = self._deploy(names, {name: release.tenants[name].previous_image for name in names}, None, None)
        for result in report.results:
            entry = release.tenants[result.target.tenant or ""]
            entry.finished_at = now()
            if result.ok:
                entry.status, entry.runs = TenantStatus.ROLLED_BACK, entry.previous_image
            else:
                entry.status = TenantStatus.ROLLBACK_FAILED
                entry.error = f"{entry.error or 'its wave failed'}; the rollback failed too: {result.error}"
        return [report]

    def _deploy(
        self, names: list[str], images: dict[str, str], tolerated: int | None, gate: Verifier | None
    ) -> RunReport:
        if not names:  # every tenant of the wave passed already (it stopped while it baked): nothing to deploy
            return RunReport(Operation.UP)
        options = replace(self.session.options, fail_fast=False, max_failures=tolerated)
        live = replace(self.session, options=options)
        return operations.tenants(live, with_images(self.loaded, images), names, Operation.UP, self.deployed, gate=gate)


def _listed(names: list[str], shown: int = 10) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return (", ".join(names[:shown]) or "no tenant") + more


def with_images(loaded: LoadedSpec, images: dict[str, str]) -> LoadedSpec:
    """The file as read, with the named tenants running the given images (their stacks are built from it)."""
    spec = loaded.spec
    tenants = [t.model_copy(update={"image": images[t.name]}) if t.name in images else t for t in spec.tenants]
    return replace(loaded, spec=spec.model_copy(update={"tenants": tenants}))


def took_image(result: StackResult) -> bool:
    """Whether a tenant's deploy changed its stack (so it may run the new image): it succeeded, it was deployed and
    then found unhealthy, or it failed or was cancelled after changing something."""
    return result.ok or result.error_kind == ErrorKind.UNHEALTHY or result.changes_pending


def _record_deploys(release: Release, report: RunReport) -> None:
    for result in report.results:
        entry = release.tenants[result.target.tenant or ""]
        if result.status is Status.CANCELLED and not took_image(result) and result.error == "not started":
            continue  # the wave stopped before it: still pending
        entry.finished_at = now()
        entry.runs = release.image if took_image(result) else entry.previous_image
        if result.ok:
            entry.status, entry.error = TenantStatus.SUCCEEDED, None
        else:
            failed = result.status is Status.FAILED
            entry.status, entry.error = (TenantStatus.FAILED if failed else TenantStatus.CANCELLED), result.error


def _verifier(gate: Gate) -> Verifier | None:
    """The gate as each deployed tenant's check, after its rollout wait: an unhealthy tenant fails."""
    if not gate.reads:
        return None

    def check(result: StackResult) -> StackResult:
        problem = gate.problem(result.outputs)
        if problem is None:
            return result
        error = f"{result.target.label}: health gate: {problem}"
        return replace(result, status=Status.FAILED, error=error, error_kind=ErrorKind.UNHEALTHY)

    return check


def _stopped(
    release: Release, status: ReleaseStatus, reason: str, reports: list[RunReport] | None = None
) -> list[RunReport]:
    release.status, release.reason = status, reason
    return reports or []
