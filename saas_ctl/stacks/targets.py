"""Which Pulumi stacks a spec maps to: project and stack names, config, and the inline programs.

The platform of an environment is stack ``<environment>`` of project ``<project>-platform``; every tenant
of an environment is a stack named for the tenant in project ``<project>-<environment>-tenants``, so
listing that project's stacks answers "which tenants are deployed here".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from infra import naming
from infra.inputs import PreviousCell
from infra.outputs import ENGINE_VERSION_OUTPUT, MOVING_TO_OUTPUT, NETWORK_OUTPUT, PlatformOutputs
from infra.tenant.kept import NOTHING_KEPT, KeptData
from saas_ctl.aws import hooks
from saas_ctl.engine.base import StackTarget
from saas_ctl.errors import UsageError
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.cells import cell_count
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import fingerprint
from saas_ctl.stacks.inputs import platform_inputs, tenant_inputs


def platform_project(spec: TenantsFile) -> str:
    return f"{spec.platform.project}-platform"


def tenants_project(spec: TenantsFile) -> str:
    return f"{spec.platform.project}-{spec.platform.environment}-tenants"


def _config(spec: TenantsFile, tenant: str | None = None, tenant_tags: dict[str, str] | None = None) -> dict[str, str]:
    """Stack config: the region, and the default tags as `aws:defaultTags.tags["key"]` paths (set with path=True).

    The programs also pass both to their explicit provider; the config makes them visible in `pulumi config`
    and applies them to anything that would use the default provider."""
    platform = spec.platform
    config = {"aws:region": platform.region}
    tags = naming.tags(platform.project, platform.environment, tenant, platform.tags, tenant_tags or {})
    for key, value in tags.items():
        config[f'aws:defaultTags.tags["{key}"]'] = value
    return config


def platform_target(
    spec: TenantsFile,
    endpoint_url: str | None = None,
    generation: str = naming.GENERATION_EXAMPLE,
    cells: int | None = None,
    running_engine_version: str | None = None,
    legacy_network: bool = False,
) -> StackTarget:
    """``generation``: the platform's lifetime stamp (see :func:`platform_generation`); ``cells``: how many cells
    to run when more than the file needs (see :func:`cells_to_run`); ``running_engine_version``: what the deployed
    cluster runs (``stacks.engine_version``); ``legacy_network``: see :func:`legacy_network`."""

    inputs = platform_inputs(spec, cells, running_engine_version, legacy_network)

    def program() -> None:
        from infra.platform.program import platform_program

        platform_program(inputs, endpoint_url=endpoint_url, generation=generation)

    config = _config(spec)
    made_of = fingerprint.of_platform(inputs, config, {"endpoint_url": endpoint_url, "generation": generation})
    return StackTarget(
        platform_project(spec), spec.platform.environment, program, config, kind="platform", fingerprint=made_of
    )


def tenant_target(
    spec: TenantsFile,
    name: str,
    platform: PlatformOutputs,
    *,
    delete_data: bool = False,
    endpoint_url: str | None = None,
    kept: KeptData = NOTHING_KEPT,
    redeploy: str | None = None,
    resume: bool = False,
    previous_cell: PreviousCell | None = None,
    previous_port: int | None = None,
) -> StackTarget:
    tenant = tenant_inputs(spec, name, previous_cell, previous_port)

    def program() -> None:
        from infra.tenant.program import tenant_program

        tenant_program(
            tenant,
            platform,
            delete_data=delete_data,
            endpoint_url=endpoint_url,
            kept=kept,
            redeploy=redeploy,
            resume=resume,
        )

    config = _config(spec, name, dict(tenant.tags))
    options = {"delete_data": delete_data, "endpoint_url": endpoint_url, "redeploy": redeploy, "resume": resume}
    made_of = fingerprint.of_tenant(tenant, platform, config, kept, options)
    return StackTarget(tenants_project(spec), name, program, config, kind="tenant", tenant=name, fingerprint=made_of)


def orphan_target(spec: TenantsFile, name: str) -> StackTarget:
    """The stack of a tenant no longer declared. Destroy works from its state alone (the program is not run),
    so resources marked retain_on_delete (bucket, secret) are kept, as with `tenant destroy`."""
    return StackTarget(tenants_project(spec), name, lambda: None, _config(spec, name), kind="tenant", tenant=name)


def placeholder_platform(spec: TenantsFile) -> PlatformOutputs:
    """Stand-in platform outputs for synthesising tenant stacks without a deployed platform."""
    dns = spec.platform.dns
    zone = (dns.zone_id or "Z00000000000000000000") if dns else ""
    return PlatformOutputs.placeholder(
        spec.platform.region, f"{spec.platform.project}-{spec.platform.environment}", zone, cell_count(spec)
    )


# ---- the stacks as one session deploys them: the deployed platform's generation and cells kept


def platform_for(session: Session, spec: TenantsFile, deployed: Mapping[str, Any] | None = None) -> StackTarget:
    """The platform stack; ``deployed`` (its current outputs) keeps the platform's generation across updates,
    and every deployed cell a tenant stack still routes through."""
    return platform_target(
        spec,
        endpoint_url=session.endpoint_url,
        generation=platform_generation(deployed),
        cells=cells_to_run(session, spec, deployed),
        running_engine_version=running_engine_version(session, spec, deployed),
        legacy_network=legacy_network(deployed),
    )


def legacy_network(deployed: Mapping[str, Any] | None) -> bool:
    """Whether the deployed platform's subnets were carved before max_zones existed (its ``network`` output has
    no max_zones, or there is no such output): carved for exactly its zone count, which the program keeps, since
    carving for max_zones would replace every subnet. A platform not deployed yet is carved for max_zones."""
    if not deployed:
        return False
    recorded = deployed.get(NETWORK_OUTPUT)
    return not (isinstance(recorded, Mapping) and "max_zones" in recorded)


def running_engine_version(session: Session, spec: TenantsFile, deployed: Mapping[str, Any] | None) -> str | None:
    """What the deployed cluster runs: as RDS says now when saasctl can ask (AWS's own minor upgrades are known
    to no stack until a refresh and the next up), else as the platform stack last recorded it."""
    if not deployed:
        return None
    value = hooks.running_engine_version(session, spec) or deployed.get(ENGINE_VERSION_OUTPUT)
    return str(value) if value else None


def cells_to_run(session: Session, spec: TenantsFile, deployed: Mapping[str, Any] | None) -> int:
    """The cells the platform runs: what the file needs, and never fewer than the highest cell a deployed tenant
    stack still uses (its ``cell``, and the ``moving_to`` of one between the passes of a move). A tenant moved out
    of a cell in the file still routes through it until its stack is updated, so the cell's ALB is removed only by
    the platform update after that (the next `apply`)."""
    wanted = cell_count(spec)
    if not deployed:
        return wanted
    deployed_cells = [int(c["cell"]) for c in deployed.get("cells", [{"cell": 1}])]
    if max(deployed_cells, default=1) <= wanted:
        return wanted
    tenants = tenants_project(spec)
    in_use = []
    for name in session.engine.list_stacks(tenants):
        outputs = session.engine.outputs(orphan_target(spec, name))
        # A stack between the passes of a move routes through both its cell and the one it moves to.
        in_use += [int(outputs.get("cell", 1)), int(outputs.get(MOVING_TO_OUTPUT) or 1)]
    return max([wanted, *in_use])


def platform_generation(deployed: Mapping[str, Any] | None, now: datetime | None = None) -> str:
    """The deployed platform's generation, or a new one (UTC now) for a platform about to be created: fixed for
    the life of the stack, it makes the final snapshot's name unique per cluster lifetime."""
    if deployed and deployed.get("generation"):
        return str(deployed["generation"])
    return (now or datetime.now(UTC)).strftime(naming.GENERATION_FORMAT)


def tenants_for(
    session: Session,
    spec: TenantsFile,
    names: Sequence[str],
    platform: PlatformOutputs,
    delete_data: bool = False,
    kept: Mapping[str, KeptData] | None = None,
    redeploy: str | None = None,
    resuming: Collection[str] = (),
    moving_from: Mapping[str, PreviousCell] | None = None,
    ports_from: Mapping[str, int] | None = None,
) -> list[StackTarget]:
    """The named tenants' stacks, built against the deployed platform (``kept``: each one's kept data to adopt;
    ``redeploy``: a token that forces a new ECS deployment; ``resuming``: tenants whose stacks are suspended and
    are no longer; ``moving_from``: tenant -> the cell the first pass of its move keeps serving from;
    ``ports_from``: tenant -> the port the first pass of its port change keeps serving from); a name the file does
    not declare is refused."""
    declared = {t.name for t in spec.tenants}
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise UsageError(
            f"tenant {unknown[0]!r} is not declared in {session.file}",
            hint=f"declared tenants: {', '.join(sorted(declared)) or 'none'}",
        )
    # A resumed service starts a new deployment, as --redeploy does: its rollout is what the deploy then waits for
    # until the tasks are healthy (a desired count raised alone leaves the last deployment COMPLETED: no wait).
    resumed = redeploy or deployment_token() if resuming else redeploy
    return [
        tenant_target(
            spec,
            name,
            platform,
            delete_data=delete_data,
            endpoint_url=session.endpoint_url,
            kept=(kept or {}).get(name, NOTHING_KEPT),
            redeploy=resumed if name in resuming else redeploy,
            resume=name in resuming,
            previous_cell=(moving_from or {}).get(name),
            previous_port=(ports_from or {}).get(name),
        )
        for name in names
    ]


def deployment_token(now: datetime | None = None) -> str:
    """New at every deploy that forces a new ECS deployment (`tenant up --redeploy`, a resume): the UTC time, to
    the second."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
