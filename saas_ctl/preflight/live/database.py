"""Live checks of the database: the Aurora engine version and the instance class, as the region offers them."""

from __future__ import annotations

from collections.abc import Iterator

from infra import naming
from saas_ctl.preflight.catalog import ENGINE, is_major_only, version_key
from saas_ctl.preflight.findings import Finding, error, info
from saas_ctl.preflight.live.context import AwsContext, paginate
from saas_ctl.spec.models import TenantsFile

VERSION_PATH = ("platform", "database", "engine_version")


def newest_live(ctx: AwsContext, major: str) -> str | None:
    """The newest release of ``major`` the region offers (describe-db-engine-versions, not limitless)."""
    offered = [
        v["EngineVersion"]
        for v in paginate(ctx, "rds", "describe_db_engine_versions", "DBEngineVersions", Engine=ENGINE)
        if v["EngineVersion"].split(".")[0] == major and "limitless" not in v["EngineVersion"]
    ]
    return max(offered, key=version_key) if offered else None


def engine_version(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    version = spec.platform.database.engine_version
    if is_major_only(version):
        newest = newest_live(ctx, version)
        if newest is None:
            yield error(
                "LIVE-DB-ENGINE-VERSION",
                VERSION_PATH,
                f"{ctx.region} offers no Aurora PostgreSQL {version}.x release (describe-db-engine-versions)",
                "use a major the region offers",
            )
        else:
            yield info(
                "LIVE-DB-ENGINE-VERSION-RESOLVED",
                VERSION_PATH,
                f'engine_version "{version}": the newest {version}.x {ctx.region} offers is {newest}',
            )
        return
    rds = ctx.client("rds")
    found = rds.describe_db_engine_versions(Engine=ENGINE, EngineVersion=version)["DBEngineVersions"]
    if not found:
        major = version.split(".")[0]
        available = sorted(
            {
                v["EngineVersion"]
                for v in paginate(ctx, "rds", "describe_db_engine_versions", "DBEngineVersions", Engine=ENGINE)
                if v["EngineVersion"].split(".")[0] == major and "limitless" not in v["EngineVersion"]
            },
            key=version_key,
        )
        yield error(
            "LIVE-DB-ENGINE-VERSION",
            VERSION_PATH,
            f"Aurora PostgreSQL {version} is not available in {ctx.region} (describe-db-engine-versions "
            "returned nothing); the deploy would fail with 'InvalidParameterCombination: Cannot find "
            f"version {version} for aurora-postgresql'",
            f"available {major}.x versions in {ctx.region}: {', '.join(available) or 'none'}",
        )
        return
    family = found[0].get("DBParameterGroupFamily")
    expected = naming.parameter_group_family(version)
    if family and family != expected:
        yield error(
            "DB-PARAMETER-FAMILY",
            VERSION_PATH,
            f"AWS reports parameter group family {family} for {version}; saasctl would create {expected}",
            "report this to the saasctl maintainers with the version",
        )


def instance_class(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    database = spec.platform.database
    rds = ctx.client("rds")
    version = database.engine_version
    if is_major_only(version):
        version = newest_live(ctx, version) or version
    if not rds.describe_db_engine_versions(Engine=ENGINE, EngineVersion=version)["DBEngineVersions"]:
        return  # the version check reports it; no class is orderable for a missing version
    options = rds.describe_orderable_db_instance_options(
        Engine=ENGINE, EngineVersion=version, DBInstanceClass=database.instance_class
    )["OrderableDBInstanceOptions"]
    if not options:
        page = rds.describe_orderable_db_instance_options(Engine=ENGINE, EngineVersion=version, MaxRecords=100)[
            "OrderableDBInstanceOptions"
        ]
        classes = sorted({o["DBInstanceClass"] for o in page})
        yield error(
            "LIVE-DB-INSTANCE-CLASS",
            ("platform", "database", "instance_class"),
            f"{database.instance_class} cannot be ordered for aurora-postgresql {database.engine_version} "
            f"in {ctx.region}",
            f"orderable classes include: {', '.join(classes[:12]) or 'none listed'}",
        )
