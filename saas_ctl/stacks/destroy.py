"""`tenant destroy`: the tenant's stack (and, with --delete-data, its data), then its entry in the file."""

from __future__ import annotations

from dataclasses import dataclass

from infra.naming import TenantNames
from infra.outputs import PlatformOutputs
from saas_ctl.aws import hooks
from saas_ctl.engine.base import Operation
from saas_ctl.errors import Refused, UsageError
from saas_ctl.orchestration.orchestrator import Options, RunReport
from saas_ctl.orchestration.session import Session
from saas_ctl.spec import loader, store
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import state, targets
from saas_ctl.stacks.targets import tenants_for


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
    loaded = loader.load(session.file)
    spec = loaded.spec
    state.check_engine(session)
    present = state.read(session, spec)
    declared = any(t.name == name for t in spec.tenants)
    deployed = name in present.tenants
    if not declared and not deployed:
        raise UsageError(f"tenant {name!r} is neither declared in {session.file} nor deployed")
    names = TenantNames(spec.platform.project, spec.platform.environment, spec.platform.region, name)
    report = RunReport(Operation.DESTROY)
    bucket = ""
    if deployed:
        present.refuse_foreign_tenants([name])  # another environment's stack of that name is not touched
        bucket = str(present.tenant_outputs(name).get("bucket_name") or "its bucket")  # whatever it is named
        platform = None
        if delete_data:
            platform = present.platform() if declared else None
            prepare = _allow_data_deletion(session, spec, name, declared, (bucket, names.secret), platform)
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
        else [f"S3 bucket {bucket}", f"secret {names.secret}", f"database and role {names.database_user}"]
    )
    return DestroyOutcome(report, kept if deployed else [], declared)


def _allow_data_deletion(
    session: Session,
    spec: TenantsFile,
    name: str,
    declared: bool,
    kept: tuple[str, str],  # the bucket's and the secret's names
    platform: PlatformOutputs | None,
) -> RunReport:
    """Re-apply the tenant with deletion allowed (bucket force_destroy, nothing retained), so that the destroy
    that follows removes its data."""
    if not declared or platform is None:
        raise Refused(
            f"tenant {name!r} is orphaned (not in {session.file}); --delete-data needs its settings",
            hint=f"destroy without --delete-data, then delete bucket {kept[0]} and secret {kept[1]} yourself",
        )
    stacks = tenants_for(session, spec, [name], platform, delete_data=True)
    return session.orchestrator(Options(parallel=1)).run(Operation.UP, stacks)
