"""The refusals of unsafe states, before anything runs: a platform destroy that would fail half-way, a network
edit of a deployed platform, and tenants whose cell the deployed platform does not have yet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from infra.naming import PlatformNames
from infra.outputs import NETWORK_OUTPUT, PlatformOutputs
from saas_ctl.aws import hooks
from saas_ctl.errors import Refused
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.cells import cell_of
from saas_ctl.spec.loader import LoadedSpec
from saas_ctl.spec.models import Network, TenantsFile
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
    """What of a deployed platform's network cannot change in place is refused before anything runs, with what to
    do instead (:func:`network_edit`). A platform deployed before its network was recorded (no ``network``
    output) is not checked here; the preview's warning line for the VPC still says it."""
    recorded = deployed.platform_stack.get(NETWORK_OUTPUT) if deployed.platform_stack else None
    if not isinstance(recorded, dict):
        return
    edit = network_edit(recorded, loaded.spec.platform.network)
    if edit is None:
        return
    where = f"{session.file}:{loaded.line_of(('platform', 'network', edit.field)) or '-'}"
    raise Refused(
        f"{where}: platform.network.{edit.field} is {edit.was} in the deployed platform and {edit.wanted} in the "
        f"file; it cannot change in place: the deploy would replace the {edit.replaced}",
        hint=edit.hint,
    )


@dataclass(frozen=True)
class NetworkEdit:
    field: str
    was: object
    wanted: object
    replaced: str  # what the deploy would replace
    hint: str  # what to do instead


def network_edit(recorded: Mapping[str, Any], network: Network) -> NetworkEdit | None:
    """The first change to the recorded network that a deploy cannot make in place, or None. Refused: another
    vpc_cidr (a new block replaces the VPC and everything in it), another max_zones (the subnets are carved for
    it: another carving replaces every subnet), fewer availability_zones (the zones left out take their subnets
    with the database instances, NAT gateway and tasks in them), and any zone count change of a platform carved
    before max_zones existed (``recorded`` has no max_zones: carved for exactly its zone count). Raising
    availability_zones up to max_zones only adds subnets: allowed."""
    carved_for = recorded.get("max_zones")
    was = recorded.get("vpc_cidr")
    if was is not None and str(was) != network.vpc_cidr:
        return _elsewhere("vpc_cidr", was, network.vpc_cidr)
    if carved_for is not None and int(carved_for) != network.max_zones:
        return _elsewhere("max_zones", carved_for, network.max_zones)
    zones = recorded.get("availability_zones")
    if zones is None or int(zones) == network.availability_zones:
        return None
    if carved_for is None:
        edit = _elsewhere("legacy_zones", zones, network.availability_zones)
        return replace(
            edit,
            hint=f"{edit.hint} (a new environment's subnets are carved for max_zones: {network.max_zones}, so its "
            "zone count can then be raised in place)",
        )
    if network.availability_zones < int(zones):
        return NetworkEdit(
            "availability_zones",
            zones,
            network.availability_zones,
            _REPLACED["fewer_zones"],
            f"put availability_zones: {zones} back; a deployed platform's zones can only be added (up to max_zones: "
            f"{carved_for}); for fewer zones, create a new environment with them, move the tenants there (`saasctl "
            "apply` on the new file), then destroy this one",
        )
    return None


def _elsewhere(reason: str, was: object, wanted: object) -> NetworkEdit:
    """An edit only a new environment makes: put the value back, or move the tenants to one built with it."""
    field = "availability_zones" if reason == "legacy_zones" else reason
    return NetworkEdit(
        field,
        was,
        wanted,
        _REPLACED[reason],
        f"put {field}: {was} back; for a network of {wanted}, create a new environment (another "
        "platform.environment, or another project) with it, move the tenants there (`saasctl apply` on the new "
        "file), then destroy this one",
    )


_REPLACED = {
    "vpc_cidr": "VPC and everything in it (subnets, NAT gateway, load balancers, the database with its data)",
    "max_zones": "subnets (every subnet's block is carved for max_zones zones), the NAT gateway, the database's "
    "subnet group and every tenant's network",
    "legacy_zones": "subnets (this platform was deployed before max_zones existed: its subnets are carved for "
    "exactly its zone count), the NAT gateway, the database's subnet group and every tenant's network",
    "fewer_zones": "subnets of the zones left out, with the NAT gateway, database instances and tasks in them (the "
    "database's subnet group and every tenant's network change)",
}
