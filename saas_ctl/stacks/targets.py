"""Which Pulumi stacks a spec maps to: project and stack names, config, and the inline programs.

The platform of an environment is stack ``<environment>`` of project ``<project>-platform``; every tenant
of an environment is a stack named for the tenant in project ``<project>-<environment>-tenants``, so
listing that project's stacks answers "which tenants are deployed here".
"""

from __future__ import annotations

from infra import naming
from infra.outputs import PlatformOutputs
from infra.tenant.kept import NOTHING_KEPT, KeptData
from saas_ctl.engine.base import StackTarget
from saas_ctl.spec.cells import cell_count
from saas_ctl.spec.models import TenantsFile
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
) -> StackTarget:
    """``generation``: the platform's lifetime stamp (see ``saas_ctl.lifecycle.platform_generation``); ``cells``:
    how many cells to run when more than the file needs (see ``saas_ctl.lifecycle.cells_to_run``)."""

    inputs = platform_inputs(spec, cells)

    def program() -> None:
        from infra.platform.program import platform_program

        platform_program(inputs, endpoint_url=endpoint_url, generation=generation)

    return StackTarget(platform_project(spec), spec.platform.environment, program, _config(spec), kind="platform")


def tenant_target(
    spec: TenantsFile,
    name: str,
    platform: PlatformOutputs,
    *,
    delete_data: bool = False,
    endpoint_url: str | None = None,
    kept: KeptData = NOTHING_KEPT,
) -> StackTarget:
    tenant = tenant_inputs(spec, name)

    def program() -> None:
        from infra.tenant.program import tenant_program

        tenant_program(tenant, platform, delete_data=delete_data, endpoint_url=endpoint_url, kept=kept)

    return StackTarget(
        tenants_project(spec), name, program, _config(spec, name, dict(tenant.tags)), kind="tenant", tenant=name
    )


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
