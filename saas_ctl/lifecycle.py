"""The stack lifecycle: what `platform ...` and `tenant ...` do, with the safety rules, independent of the CLI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra.naming import GENERATION_FORMAT, TenantNames
from infra.outputs import PlatformOutputs
from infra.tenant.kept import NOTHING_KEPT, KeptData
from saas_ctl.aws import hooks
from saas_ctl.engine.base import Operation, StackTarget
from saas_ctl.errors import Refused, UsageError
from saas_ctl.orchestration.orchestrator import Options, RunReport
from saas_ctl.orchestration.session import Session
from saas_ctl.preflight.run import Mode, PreflightFailed, Report
from saas_ctl.preflight.run import run as run_preflight
from saas_ctl.spec import loader, store
from saas_ctl.spec.cells import cell_count, cell_of
from saas_ctl.spec.loader import LoadedSpec
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import state, targets
from saas_ctl.stacks.state import Deployed


def load(session: Session) -> LoadedSpec:
    return loader.load(session.file)


def preflight(session: Session, loaded: LoadedSpec, deployed: Sequence[str] | None = None) -> Report:
    """Preflight before a deploy; raises :class:`PreflightFailed` (exit 2) on any error."""
    report = run_preflight(loaded, Mode.AUTO, session.endpoint_url, set(deployed) if deployed is not None else None)
    if report.errors:
        raise PreflightFailed(report, str(session.file))
    return report


def platform_target(session: Session, spec: TenantsFile, deployed: Mapping[str, Any] | None = None) -> StackTarget:
    """The platform stack; ``deployed`` (its current outputs) keeps the platform's generation across updates,
    and every deployed cell a tenant stack still routes through."""
    return targets.platform_target(
        spec,
        endpoint_url=session.endpoint_url,
        generation=platform_generation(deployed),
        cells=cells_to_run(session, spec, deployed),
    )


def cells_to_run(session: Session, spec: TenantsFile, deployed: Mapping[str, Any] | None) -> int:
    """The cells the platform runs: what the file needs, and never fewer than the highest cell a deployed tenant
    stack still uses. A tenant moved out of a cell in the file still routes through it until its stack is
    updated, so the cell's ALB is removed only by the platform update after that (the next `apply`)."""
    wanted = cell_count(spec)
    if not deployed:
        return wanted
    deployed_cells = [int(c["cell"]) for c in deployed.get("cells", [{"cell": 1}])]
    if max(deployed_cells, default=1) <= wanted:
        return wanted
    tenants = targets.tenants_project(spec)
    in_use = [
        int(session.engine.outputs(targets.orphan_target(spec, name)).get("cell", 1))
        for name in session.engine.list_stacks(tenants)
    ]
    return max([wanted, *in_use])


def platform_generation(deployed: Mapping[str, Any] | None, now: datetime | None = None) -> str:
    """The deployed platform's generation, or a new one (UTC now) for a platform about to be created: fixed for
    the life of the stack, it makes the final snapshot's name unique per cluster lifetime."""
    if deployed and deployed.get("generation"):
        return str(deployed["generation"])
    return (now or datetime.now(UTC)).strftime(GENERATION_FORMAT)


def platform(session: Session, loaded: LoadedSpec, operation: Operation, deployed: Deployed) -> RunReport:
    if operation is Operation.DESTROY:
        refuse_platform_destroy(session, loaded, deployed)
    target = platform_target(session, loaded.spec, deployed.platform_stack)
    return session.orchestrator(Options(parallel=1)).run(operation, [target])


def refuse_platform_destroy(session: Session, loaded: LoadedSpec, deployed: Deployed) -> None:
    """What makes a platform destroy fail half-way is refused before anything is deleted: tenant stacks that
    still use it, and a database with deletion protection (AWS refuses to delete the cluster, after Pulumi
    has deleted the instances, load balancer and NAT in parallel)."""
    spec = loaded.spec
    remaining = deployed.tenants
    if remaining:
        raise Refused(
            f"refusing to destroy the platform while {len(remaining)} tenant stack(s) exist: {', '.join(remaining)}",
            hint="destroy the tenants first: " + " ; ".join(f"saasctl tenant destroy {n}" for n in remaining),
        )
    where = f"{session.file}:{loaded.line_of(('platform', 'database', 'deletion_protection')) or '-'}"
    steps = (
        f"1. set platform.database.deletion_protection: false in {session.file}; 2. saasctl platform up (turns it "
        "off in AWS and in Pulumi); 3. saasctl platform destroy"
    )
    if spec.platform.database.deletion_protection:
        raise Refused(
            f"refusing to destroy the platform: its Aurora cluster has deletion protection "
            f"(platform.database.deletion_protection is true at {where}); nothing was deleted",
            hint=steps,
        )
    outputs = deployed.platform_stack
    if outputs.get("deletion_protection", bool(outputs)):
        raise Refused(
            "refusing to destroy the platform: the deployed Aurora cluster still has deletion protection on (the "
            "file says false, but that has not been deployed yet); nothing was deleted",
            hint="run `saasctl platform up` to turn it off, then `saasctl platform destroy`",
        )
    if not spec.platform.throwaway and outputs.get("generation"):
        refuse_taken_snapshot(session, spec, str(outputs["generation"]))


def refuse_taken_snapshot(session: Session, spec: TenantsFile, generation: str) -> None:
    """The destroy ends with the cluster's final snapshot; if a snapshot already has its name, DeleteDBCluster
    fails (DBClusterSnapshotAlreadyExistsFault) after everything else is gone. Checked in AWS first (when
    credentials allow: read-only rds:DescribeDBClusterSnapshots)."""
    identifier = hooks.final_snapshot_taken(session, spec, generation)
    if identifier is None:
        return
    raise Refused(
        f"refusing to destroy the platform: a DB cluster snapshot named {identifier} (this platform's final "
        "snapshot) already exists, so deleting the cluster would fail after everything else was deleted; "
        "nothing was deleted",
        hint=f"rename or delete that snapshot (aws rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier "
        f"{identifier}) and destroy again",
    )


def tenant_targets(
    session: Session,
    spec: TenantsFile,
    names: Sequence[str],
    platform: PlatformOutputs,
    delete_data: bool = False,
    kept: Mapping[str, KeptData] | None = None,
) -> list[StackTarget]:
    declared = {t.name for t in spec.tenants}
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise UsageError(
            f"tenant {unknown[0]!r} is not declared in {session.file}",
            hint=f"declared tenants: {', '.join(sorted(declared)) or 'none'}",
        )
    return [
        targets.tenant_target(
            spec,
            name,
            platform,
            delete_data=delete_data,
            endpoint_url=session.endpoint_url,
            kept=(kept or {}).get(name, NOTHING_KEPT),
        )
        for name in names
    ]


def missing_cells(spec: TenantsFile, platform: PlatformOutputs, names: Sequence[str]) -> dict[int, list[str]]:
    """The cells the named tenants are in that the deployed platform does not have yet, with their tenants."""
    deployed = set(platform.cell_numbers())
    wanted = set(names)
    missing: dict[int, list[str]] = {}
    for tenant in spec.tenants:
        if tenant.name in wanted and cell_of(tenant) not in deployed:
            missing.setdefault(cell_of(tenant), []).append(tenant.name)
    return missing


def refuse_missing_cells(spec: TenantsFile, platform: PlatformOutputs, names: Sequence[str]) -> None:
    missing = missing_cells(spec, platform, names)
    if missing:
        cell, waiting = min(missing.items())
        deployed = ", ".join(str(n) for n in platform.cell_numbers())
        raise Refused(
            f"tenant {waiting[0]} is in cell {cell}, which the deployed platform does not have yet "
            f"(its cells: {deployed})",
            hint="`saasctl platform up` (or `saasctl apply`) creates it",
        )


def waiting_for_cells(spec: TenantsFile, platform: PlatformOutputs, names: Sequence[str]) -> set[str]:
    """The named tenants whose cell the deployed platform does not have yet."""
    return {name for group in missing_cells(spec, platform, names).values() for name in group}


def cells_for(session: Session, loaded: LoadedSpec, names: Sequence[str], deployed: Deployed) -> RunReport | None:
    """Before deploying tenants in a cell the platform does not have yet: bring the platform up, as `apply`
    always does; None when every cell they need is deployed."""
    if not missing_cells(loaded.spec, deployed.platform(), names):
        return None
    return platform(session, loaded, Operation.UP, deployed)


def preview_tenants(session: Session, loaded: LoadedSpec, names: Sequence[str], deployed: Deployed) -> list[RunReport]:
    """What deploying the named tenants would change: their stacks' previews, and the platform's when some of
    them are in a cell it does not have yet (their own stacks can be previewed only once it exists)."""
    waiting = waiting_for_cells(loaded.spec, deployed.platform(), names)
    reports = [platform(session, loaded, Operation.PREVIEW, deployed)] if waiting else []
    ready = [name for name in names if name not in waiting]
    if ready:
        reports.append(tenants(session, loaded, ready, Operation.PREVIEW, deployed))
    return reports


def tenants(
    session: Session,
    loaded: LoadedSpec,
    names: Sequence[str],
    operation: Operation,
    deployed: Deployed,
) -> RunReport:
    """Run ``operation`` on the named tenants' stacks (all declared tenants when ``names`` is empty)."""
    spec = loaded.spec
    chosen = list(names) or [t.name for t in spec.tenants]
    platform = deployed.platform()
    if operation is not Operation.DESTROY:  # a destroy runs from the stack's state, not its program
        refuse_missing_cells(spec, platform, chosen)
    kept = (
        hooks.kept_data(session, spec, chosen, deployed.tenants)
        if operation in (Operation.UP, Operation.PREVIEW)
        else {}
    )
    after = hooks.after_deploy(session, spec, platform) if operation is Operation.UP else None
    stacks = tenant_targets(session, spec, chosen, platform, kept=kept)
    return session.orchestrator().run(operation, stacks, after)


@dataclass(frozen=True)
class DestroyOutcome:
    report: RunReport
    kept: list[str]
    removed_from_file: bool


def destroy_tenant(session: Session, name: str, delete_data: bool) -> DestroyOutcome:
    """Destroy the tenant's stack and remove it; then remove the tenant from the file.

    A failed destroy leaves both the stack and the file entry. Without ``delete_data`` the bucket and the
    secret are retained in the account (the program marks them ``retain_on_delete``).
    """
    loaded = load(session)
    spec = loaded.spec
    state.check_engine(session)
    present = state.read(session, spec)
    declared = any(t.name == name for t in spec.tenants)
    deployed = name in present.tenants
    if not declared and not deployed:
        raise UsageError(f"tenant {name!r} is neither declared in {session.file} nor deployed")
    names = TenantNames(spec.platform.project, spec.platform.environment, spec.platform.region, name)
    report = RunReport(Operation.DESTROY)
    if deployed:
        platform = None
        if delete_data:
            platform = present.platform() if declared else None
            prepare = _allow_data_deletion(session, spec, name, declared, names, platform)
            if not prepare.ok:
                return DestroyOutcome(prepare, [], False)
        # Destroy works from the stack's state; the program is not run, so the platform need not be there.
        target = targets.orphan_target(spec, name)
        report = session.orchestrator(Options(parallel=1)).run(Operation.DESTROY, [target])
        if not report.ok:
            return DestroyOutcome(report, [], False)
        if platform is not None:
            report.results.extend(hooks.drop_database(session, spec, platform, target, names))
    if declared:
        store.remove_tenant(session.file, name)
    kept = (
        []
        if delete_data
        else [f"S3 bucket {names.bucket}", f"secret {names.secret}", f"database and role {names.database_user}"]
    )
    return DestroyOutcome(report, kept if deployed else [], declared)


def _allow_data_deletion(
    session: Session,
    spec: TenantsFile,
    name: str,
    declared: bool,
    names: TenantNames,
    platform: PlatformOutputs | None,
) -> RunReport:
    """Re-apply the tenant with deletion allowed (bucket force_destroy, nothing retained), so that the destroy
    that follows removes its data."""
    if not declared or platform is None:
        raise Refused(
            f"tenant {name!r} is orphaned (not in {session.file}); --delete-data needs its settings",
            hint=f"destroy without --delete-data, then delete bucket {names.bucket} and secret {names.secret} yourself",
        )
    stacks = tenant_targets(session, spec, [name], platform, delete_data=True)
    return session.orchestrator(Options(parallel=1)).run(Operation.UP, stacks)
