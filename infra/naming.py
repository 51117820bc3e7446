"""Every AWS name and tag saasctl creates is built here.

Names carry the project and the environment suffix so that several environments share one account, and
each fits its AWS limit (``infra.aws_limits``). Names that AWS limits to 32 characters (ALB, target
group) are shortened to a readable prefix plus a stable hash; every other name keeps the tenant's name
whole, which bounds how long a tenant name may be: :func:`max_tenant_name_length` derives that bound from
these same builders, so validation can never drift from naming.

Pure functions of strings: no Pulumi import, cheap to load from the CLI.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from infra import aws_limits as limits

MANAGED_BY = "saasctl"
# Tag keys saasctl sets itself; a user tag may not override them.
GENERATED_TAG_KEYS = ("project", "environment", "tenant", "managed-by")


# Environment variables saasctl gives every tenant container: the tenant secret's keys (upper-cased, read
# from Secrets Manager) and the database connection. A tenant's own `environment` may not reuse them (ECS
# refuses a task definition that names a variable twice).
SECRET_KEYS = ("app_secret",)
DATABASE_ENVIRONMENT = ("DB_HOST", "DB_READER_HOST", "DB_PORT", "DB_NAME", "DB_USER")
INJECTED_ENVIRONMENT = tuple(key.upper() for key in SECRET_KEYS) + DATABASE_ENVIRONMENT

# A platform's snapshot generation: the UTC time its stack was first deployed, as YYYYMMDDHHMMSS.
GENERATION_FORMAT = "%Y%m%d%H%M%S"
GENERATION_EXAMPLE = "20261129135500"  # for checking name lengths before a generation exists


def security_group(base: str, role: str) -> str:
    """A security group's name (and Name tag): the stack's base name and what the group is for."""
    return f"{base}-{role}"


PLATFORM_SECURITY_GROUP_ROLES = ("alb", "services", "database")


def parameter_group_family(engine_version: str) -> str:
    """``15.8`` -> ``aurora-postgresql15``: a custom parameter group must match the engine's major version."""
    return f"aurora-postgresql{engine_version.split('.')[0]}"


def stable_hash(*parts: str, length: int = 6) -> str:
    """A short hex digest of ``parts``: the same inputs always give the same suffix."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def fit(name: str, max_length: int) -> str:
    """``name`` unchanged when it fits, else a readable prefix and a 6-character hash of the whole name."""
    if len(name) <= max_length:
        return name
    digest = stable_hash(name)
    prefix = name[: max_length - len(digest) - 1].rstrip("-")
    return f"{prefix}-{digest}"


@dataclass(frozen=True)
class PlatformNames:
    """Names of the shared platform resources of one environment."""

    project: str
    environment: str

    @property
    def base(self) -> str:
        return f"{self.project}-{self.environment}"

    @property
    def load_balancer(self) -> str:
        """The first cell's load balancer (the only one of an environment created before cells)."""
        return fit(f"{self.base}-alb", limits.LOAD_BALANCER.max_length)

    def cell_load_balancer(self, cell: int) -> str:
        """Cell 1 keeps the name of the environment's original ALB, so adding cells replaces nothing."""
        return self.load_balancer if cell == 1 else fit(f"{self.base}-alb-{cell}", limits.LOAD_BALANCER.max_length)

    @property
    def ecs_cluster(self) -> str:
        return self.base

    @property
    def db_cluster_identifier(self) -> str:
        return f"{self.base}-aurora"

    def db_final_snapshot_identifier(self, generation: str) -> str:
        """Unique per cluster lifetime: ``generation`` is fixed when the platform stack is created (a UTC time
        stamp) and kept across updates, so a second destroy of the environment never meets the first one's
        snapshot (DBClusterSnapshotAlreadyExistsFault)."""
        return f"{self.base}-final-{generation}"

    @property
    def db_log_group(self) -> str:
        """Where Aurora exports the postgresql log (created by RDS unless it exists: it exists, with retention)."""
        return f"/aws/rds/cluster/{self.db_cluster_identifier}/postgresql"

    @property
    def container_insights_log_group(self) -> str:
        return f"/aws/ecs/containerinsights/{self.ecs_cluster}/performance"

    @property
    def db_subnet_group(self) -> str:
        return f"{self.base}-aurora"

    def db_parameter_group(self, family: str) -> str:
        return f"{self.base}-{family}"

    def security_group(self, role: str) -> str:
        return security_group(self.base, role)

    @property
    def vpc(self) -> str:
        return f"{self.base}-vpc"


@dataclass(frozen=True)
class TenantNames:
    """Names of one tenant's resources."""

    project: str
    environment: str
    region: str
    tenant: str

    @property
    def base(self) -> str:
        return f"{self.project}-{self.tenant}-{self.environment}"

    @property
    def bucket(self) -> str:
        # Bucket names are global across all AWS accounts: the hash of project, region, environment and
        # tenant makes a collision with somebody else's bucket unlikely while staying deterministic.
        digest = stable_hash(self.project, self.region, self.environment, self.tenant, length=8)
        return f"{self.base}-{digest}"

    def target_group(self, port: int, cell: int = 1) -> str:
        """Named for the port and the cell as well: a target group's port cannot change in place, and a target
        group serves one load balancer only, so a new port or a move to another cell means a new target group,
        created (under its own name) before the old one is deleted. Cell 1 adds nothing to the name, so the
        target groups of an environment created before cells keep theirs."""
        cell_part = "" if cell == 1 else f"-c{cell}"
        return fit(f"{self.base}{cell_part}-{port}", limits.TARGET_GROUP.max_length)

    @property
    def security_group(self) -> str:
        return security_group(self.base, "service")

    @property
    def log_group(self) -> str:
        return f"/saasctl/{self.project}-{self.environment}/{self.tenant}"

    @property
    def secret(self) -> str:
        # The trailing '/app' keeps the name clear of Secrets Manager's '-XXXXXX' ARN-suffix trap whatever
        # the tenant is called.
        return f"{self.project}-{self.environment}/{self.tenant}/app"

    @property
    def execution_role(self) -> str:
        return f"{self.base}-exec"

    @property
    def task_role(self) -> str:
        return f"{self.base}-task"

    @property
    def ecs_service(self) -> str:
        return self.base

    @property
    def task_family(self) -> str:
        return self.base

    @property
    def container(self) -> str:
        return "app"

    @property
    def scaling_policy(self) -> str:
        return f"{self.base}-cpu"

    @property
    def database_user(self) -> str:
        """The tenant's PostgreSQL role (and database): IAM authentication grants connecting as it only."""
        return f"tenant_{self.tenant.replace('-', '_')}"


# The tenant names that keep the tenant's name whole, with the limit each must respect.
_WHOLE_TENANT_NAMES: tuple[tuple[Callable[[TenantNames], str], int], ...] = (
    (lambda n: n.bucket, limits.S3_BUCKET.max_length),
    (lambda n: n.execution_role, limits.IAM_ROLE.max_length),
    (lambda n: n.task_role, limits.IAM_ROLE.max_length),
    (lambda n: n.log_group, limits.LOG_GROUP.max_length),
    (lambda n: n.secret, limits.SECRET.max_length),
    (lambda n: n.ecs_service, limits.ECS_NAME.max_length),
    (lambda n: n.scaling_policy, limits.ECS_NAME.max_length),
    (lambda n: n.database_user, limits.POSTGRES_IDENTIFIER_MAX),
)


def max_tenant_name_length(project: str, environment: str, region: str) -> int:
    """The longest tenant name whose every derived AWS name fits its limit (and is a DNS label)."""
    empty = TenantNames(project, environment, region, "")
    room = [limit - len(build(empty)) for build, limit in _WHOLE_TENANT_NAMES]
    return min([limits.DNS_LABEL_MAX, *room])


def tags(
    project: str,
    environment: str,
    tenant: str | None = None,
    *user_tags: Mapping[str, str],
) -> dict[str, str]:
    """The tags of a resource: the user's tags (later ones win), then the generated ones, which always win."""
    merged: dict[str, str] = {}
    for extra in user_tags:
        merged.update(extra)
    merged.update({"project": project, "environment": environment, "managed-by": MANAGED_BY})
    if tenant is not None:
        merged["tenant"] = tenant
    return merged
