"""`tenant destroy`: the tenant's stack (and, with --delete-data, its data), then its entry in the file.

What a destroy does to the tenant's data is decided by the stack's state, not by the program: the engine runs no
program for a destroy. A `--delete-data` destroy that failed leaves the state set to delete the data (bucket
force_destroy, nothing retained, secret without a recovery window), so a plain destroy reads the state first and,
when it finds it so, re-applies the program in keep mode before destroying. What it reports kept is what the state
it destroyed from says is retained.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.data_resources import data_resource
from infra.naming import TenantNames
from infra.outputs import PlatformOutputs
from saas_ctl.aws import hooks
from saas_ctl.engine import base
from saas_ctl.engine.base import DeployedResource, Operation, StackTarget
from saas_ctl.errors import Refused, SaasctlError, UsageError
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
    deleted: list[str] = field(default_factory=list)  # data the destroy deleted, as the state said it would
    # The stack was set to delete its data (an unfinished --delete-data destroy) and was made to keep it first.
    keep_restored: bool = False
    # Whether ``kept`` and ``deleted`` were read back from the engine's state (False: the engine cannot say, and
    # they are what the program declares).
    read_back: bool = True
    file_error: str | None = None  # the stack is gone but the file could not be edited: why


def destroy_tenant(session: Session, name: str, delete_data: bool) -> DestroyOutcome:
    """Destroy the tenant's stack and remove it; then remove the tenant from the file.

    A failed destroy leaves both the stack and the file entry. Without ``delete_data`` the bucket and the
    secret are retained in the account (the program marks them ``retain_on_delete``; a state that says otherwise
    is put back first). The file's lock is held throughout: a concurrent `apply` waits for it before deploying the
    tenant, and then finds it gone (README, "Concurrent commands").
    """
    purpose = f"saasctl tenant destroy {name}{' --delete-data' if delete_data else ''}"
    with store.fleet_lock(session.file, purpose):
        return _destroy_tenant(session, name, delete_data)


def _destroy_tenant(session: Session, name: str, delete_data: bool) -> DestroyOutcome:
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
    fate = DataFate([], [], read_back=True)
    restored = False
    if deployed:
        present.refuse_foreign_tenants([name])  # another environment's stack of that name is not touched
        bucket = str(present.tenant_outputs(name).get("bucket_name") or "its bucket")  # whatever it is named
        # Destroy works from the stack's state; the program is not run, so the platform need not be there.
        target = targets.orphan_target(spec, name)
        platform = None
        if delete_data:
            platform = present.platform() if declared else None
            prepare = _apply_data_mode(session, spec, name, declared, (bucket, names.secret), platform, True)
            if not prepare.ok:
                return DestroyOutcome(prepare, [], False)
        fate = data_fate(session, target, (bucket, names.secret), delete_data)
        if fate.deleted and not delete_data:
            restore = _restore_keep_mode(session, spec, name, declared, fate, present)
            if not restore.ok:
                return DestroyOutcome(restore, [], False)
            restored = True
            fate = data_fate(session, target, (bucket, names.secret), delete_data)
            if fate.deleted:
                raise Refused(
                    f"tenant {name!r}'s stack still deletes {', '.join(fate.deleted)} on destroy after keep mode was"
                    " re-applied; nothing was destroyed",
                    hint=f"inspect the stack's state (pulumi stack export), then run `saasctl tenant destroy {name}`",
                )
        report = session.orchestrator(Options(parallel=1)).run(Operation.DESTROY, [target])
        if not report.ok:
            return DestroyOutcome(report, [], False, keep_restored=restored)
        if platform is not None:
            report.results.extend(hooks.drop_database(session, spec, platform, target, names))
    file_error = None
    if declared:
        try:
            store.remove_tenant(session.file, name)
        except (SaasctlError, OSError) as exc:  # the stack is gone whatever the file says: reported, not lost
            file_error = str(exc) or type(exc).__name__
    kept = [*fate.kept, *([] if delete_data else [f"database and role {names.database_user}"])] if deployed else []
    return DestroyOutcome(
        report,
        kept,
        declared and file_error is None,
        deleted=fate.deleted,
        keep_restored=restored,
        read_back=fate.read_back,
        file_error=file_error,
    )


@dataclass(frozen=True)
class DataFate:
    """What a destroy of the stack as it stands does to the tenant's data: each as a sentence names it."""

    kept: list[str]
    deleted: list[str]
    read_back: bool


def data_fate(session: Session, target: StackTarget, named: tuple[str, str], delete_data: bool) -> DataFate:
    """Read from the engine's state: each data resource (infra/data_resources.py) is kept when the state retains
    it on delete, deleted otherwise. An engine that cannot read its state gets what the program declares."""
    resources = base.resources(session.engine, target)
    if resources is None:
        declared = [f"S3 bucket {named[0]}", f"secret {named[1]}"]
        return DataFate([] if delete_data else declared, declared if delete_data else [], read_back=False)
    kept: list[str] = []
    deleted: list[str] = []
    for resource in sorted(resources, key=_report_order):
        if data_resource(resource.type) is None:
            continue
        (kept if resource.retain_on_delete else deleted).append(_described(resource))
    return DataFate(kept, deleted, read_back=True)


def _report_order(resource: DeployedResource) -> tuple[int, str]:
    """Buckets, then secrets, then the rest, each by name: the state lists resources in the order the engine last
    wrote them, which a re-apply (keep mode restored after a failed `--delete-data` destroy) may change."""
    rank = 0 if resource.type.startswith("aws:s3/") else 1 if resource.type.startswith("aws:secretsmanager/") else 2
    return rank, resource.name


def _described(resource: DeployedResource) -> str:
    inputs = resource.inputs
    if resource.type.startswith("aws:s3/"):
        what = f"S3 bucket {inputs.get('bucket') or resource.name}"
        return f"{what} (with its objects)" if inputs.get("forceDestroy") and not resource.retain_on_delete else what
    if resource.type.startswith("aws:secretsmanager/"):
        what = f"secret {inputs.get('name') or resource.name}"
        window = inputs.get("recoveryWindowInDays")
        return f"{what} (no recovery window)" if window == 0 and not resource.retain_on_delete else what
    return f"{data_resource(resource.type)} {resource.name}"


def _restore_keep_mode(
    session: Session, spec: TenantsFile, name: str, declared: bool, fate: DataFate, present: state.Deployed
) -> RunReport:
    """The stack deletes its data on destroy (an earlier `--delete-data` destroy did not finish): re-apply the
    program in keep mode, so that the destroy that follows keeps the bucket and the secret."""
    if not declared:
        raise Refused(
            f"tenant {name!r}'s stack is set to delete its data on destroy (an earlier `tenant destroy --delete-data`"
            f" did not finish): a destroy now would delete {', '.join(fate.deleted)}; nothing was destroyed",
            hint=f"add tenant {name} back to {session.file} and run `saasctl tenant destroy {name}` again (it"
            f" re-applies keep mode first), or run `saasctl tenant destroy {name} --delete-data` to delete the data",
        )
    return _apply_data_mode(session, spec, name, declared, ("", ""), present.platform(), False)


def _apply_data_mode(
    session: Session,
    spec: TenantsFile,
    name: str,
    declared: bool,
    kept: tuple[str, str],  # the bucket's and the secret's names
    platform: PlatformOutputs | None,
    delete_data: bool,
) -> RunReport:
    """Re-apply the tenant with its data deleted by the next destroy (bucket force_destroy, nothing retained)
    or, with ``delete_data`` False, kept by it."""
    if not declared or platform is None:
        raise Refused(
            f"tenant {name!r} is orphaned (not in {session.file}); --delete-data needs its settings",
            hint=f"destroy without --delete-data, then delete bucket {kept[0]} and secret {kept[1]} yourself",
        )
    stacks = tenants_for(session, spec, [name], platform, delete_data=delete_data)
    return session.orchestrator(Options(parallel=1)).run(Operation.UP, stacks)
