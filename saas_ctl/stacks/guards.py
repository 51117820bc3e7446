"""The refusals of unsafe states, before anything runs: a platform destroy that would fail half-way, a network
edit of a deployed platform, and tenants whose cell the deployed platform does not have yet."""

from __future__ import annotations

from collections.abc import Sequence

from infra.naming import PlatformNames
from infra.outputs import NETWORK_OUTPUT, PlatformOutputs
from saas_ctl.aws import hooks
from saas_ctl.errors import Refused
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.cells import cell_of
from saas_ctl.spec.loader import LoadedSpec
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks.state import Deployed


def refuse_platform_destroy(session: Session, loaded: LoadedSpec, deployed: Deployed) -> None:
    """What makes a platform destroy fail half-way is refused before anything is deleted: tenant stacks that
    still use it, and a database with deletion protection (AWS refuses to delete the cluster, after Pulumi
    has deleted the instances, load balancer and NAT in parallel)."""
    spec = loaded.spec
    outputs = deployed.platform_stack  # refused first when it is another environment's
    remaining = deployed.tenants
    kept = databases_kept(spec, outputs)
    if remaining:
        raise Refused(
            f"refusing to destroy the platform while {len(remaining)} tenant stack(s) exist: {', '.join(remaining)}",
            hint="destroy the tenants first: "
            + ", ".join(f"`saasctl tenant destroy {n}`" for n in remaining)
            + f". {kept}",
        )
    where = f"{session.file}:{loaded.line_of(('platform', 'database', 'deletion_protection')) or '-'}"
    steps = (
        f"1. set platform.database.deletion_protection: false in {session.file}; 2. `saasctl platform up` (turns "
        f"it off in AWS and in Pulumi); 3. `saasctl platform destroy`. {kept}"
    )
    if spec.platform.database.deletion_protection:
        raise Refused(
            f"refusing to destroy the platform: its Aurora cluster has deletion protection "
            f"(platform.database.deletion_protection is true at {where}); nothing was deleted",
            hint=steps,
        )
    if outputs.get("deletion_protection", bool(outputs)):
        raise Refused(
            "refusing to destroy the platform: the deployed Aurora cluster still has deletion protection on (the "
            "file says false, but that has not been deployed yet); nothing was deleted",
            hint="run `saasctl platform up` to turn it off, then `saasctl platform destroy`",
        )
    if not spec.platform.throwaway and outputs.get("generation"):
        refuse_taken_snapshot(session, spec, str(outputs["generation"]))


def databases_kept(spec: TenantsFile, outputs: dict[str, object]) -> str:
    """Where the tenants' databases go when the platform is destroyed: they live in the Aurora cluster, whose final
    snapshot keeps them (none for a throwaway environment)."""
    if spec.platform.throwaway:
        return (
            "The tenants' databases live in the Aurora cluster, and a throwaway platform is destroyed without a final "
            "snapshot: they are deleted with it."
        )
    generation = str(outputs.get("generation") or "<generation>")
    snapshot = PlatformNames(spec.platform.project, spec.platform.environment).db_final_snapshot_identifier(generation)
    return (
        f"The tenants' databases live in the Aurora cluster: the destroy ends with its final snapshot {snapshot}, "
        f"which keeps them; platform.database.restore_from: {snapshot} creates a new platform's cluster from it."
    )


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


def refuse_network_edits(session: Session, loaded: LoadedSpec, deployed: Deployed) -> None:
    """A deployed platform's vpc_cidr and availability_zones do not change in place: a new VPC block replaces the
    VPC, and a new zone count re-carves every subnet (``infra.addressing.plan_subnets``), which replaces the
    subnets, the NAT gateway, the database's subnet group and every running task's network. Refused before
    anything runs, with what to do instead. A platform deployed before its network was recorded (no ``network``
    output) is not checked here; the preview's warning line for the VPC still says it."""
    recorded = deployed.platform_stack.get(NETWORK_OUTPUT) if deployed.platform_stack else None
    if not isinstance(recorded, dict):
        return
    network = loaded.spec.platform.network
    for field, wanted in (("vpc_cidr", network.vpc_cidr), ("availability_zones", network.availability_zones)):
        was = recorded.get(field)
        if was is None or str(was) == str(wanted):
            continue
        where = f"{session.file}:{loaded.line_of(('platform', 'network', field)) or '-'}"
        raise Refused(
            f"{where}: platform.network.{field} is {was} in the deployed platform and {wanted} in the file; it "
            f"cannot change in place: the deploy would replace the {_REPLACED[field]}",
            hint=f"put {field}: {was} back; for a network of {wanted}, create a new environment (another "
            "platform.environment, or another project) with it, move the tenants there (`saasctl apply` on the new "
            "file), then destroy this one",
        )


_REPLACED = {
    "vpc_cidr": "VPC and everything in it (subnets, NAT gateway, load balancers, the database with its data)",
    "availability_zones": "subnets (every subnet's block is carved from the zone count), the NAT gateway, the "
    "database's subnet group and every tenant's network",
}
