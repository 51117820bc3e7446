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
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

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
    """``name`` unchanged when it fits, else a readable prefix and a 6-character hash of the whole name.

    Only load balancer names are shortened this way (24 bits of hash): an ALB renamed is an ALB replaced, with a
    new DNS name, so the names deployed ALBs carry stay. Their collisions are found by ``validate`` instead."""
    if len(name) <= max_length:
        return name
    digest = stable_hash(name)
    prefix = name[: max_length - len(digest) - 1].rstrip("-")
    return f"{prefix}-{digest}"


# A shortened target group name ends in this many base-36 characters: 36**12 is about 2**62, so two names of one
# account collide by chance once in about 2**31 names, and a collision chosen on purpose takes about 2**62
# hashes. (Six hex characters, 24 bits, collided within 2,000 names, and a chosen collision took 41 s.) Base 36,
# not base 62: target group names allow letters, digits and hyphens, and lower case keeps them as the rest.
UNIQUE_HASH_LENGTH = 12
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36_hash(name: str, length: int = UNIQUE_HASH_LENGTH) -> str:
    """``length`` base-36 characters of the SHA-256 of ``name``."""
    number = int.from_bytes(hashlib.sha256(name.encode()).digest(), "big")
    digits = []
    for _ in range(length):
        number, digit = divmod(number, 36)
        digits.append(_BASE36[digit])
    return "".join(digits)


def fit_unique(name: str, max_length: int) -> str:
    """``name`` unchanged when it fits, else a readable prefix and a 12-character base-36 hash of the whole name.

    A shortened name never equals a name that fits (that one ends in ``-<port>``, at most 5 digits) nor a name
    :func:`fit` shortened (its last hyphen is 7 from the end; here the last 12 characters hold none)."""
    if len(name) <= max_length:
        return name
    digest = base36_hash(name, UNIQUE_HASH_LENGTH)
    prefix = name[: max_length - len(digest) - 1].rstrip("-")
    return f"{prefix}-{digest}"


# Where a name must be unique (the AWS namespace its kind lives in).
IN_ACCOUNT_REGION = "the account and Region"


class AwsName(NamedTuple):
    """One name saasctl gives an AWS resource (or a database role): what it names, the namespace in which no other
    resource of its kind may carry it, and the rule it must follow. (A tuple: validate builds ten per tenant.)"""

    kind: str
    unique_in: str
    value: str
    rule: limits.NameRule
    part: str = ""  # which of several of a stack's names of one kind, e.g. "cell 2"


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
        """Cell 1 keeps the name of the environment's original ALB, so adding cells replaces nothing.

        A shortened name carries 24 bits of hash (:func:`fit`), so two cells of one environment can meet (about one
        environment in 3,000 within 100 cells): the later cell then takes a 12-character hash (:func:`fit_unique`).
        That renames no deployed ALB: an environment runs every cell from 1 up, so the colliding cell could never
        have been created (DuplicateLoadBalancerName)."""
        return _cell_load_balancers(self.base, cell)[cell - 1]

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

    def aws_names(self, cells: int) -> tuple[AwsName, ...]:
        """The platform's names that share a namespace with other stacks' (the tenants', each cell's)."""
        balancers = tuple(
            AwsName(
                "load balancer", IN_ACCOUNT_REGION, self.cell_load_balancer(cell), limits.LOAD_BALANCER, f"cell {cell}"
            )
            for cell in range(1, cells + 1)
        )
        groups = tuple(
            AwsName("security group", "the VPC", self.security_group(role), limits.SECURITY_GROUP)
            for role in PLATFORM_SECURITY_GROUP_ROLES
        )
        logs = tuple(
            AwsName("log group", IN_ACCOUNT_REGION, name, limits.LOG_GROUP)
            for name in (self.db_log_group, self.container_insights_log_group)
        )
        return balancers + groups + logs


_balancers: dict[str, list[str]] = {}  # the names of an environment's cells, by base name, cell 1 first
_balancers_lock = threading.Lock()  # programs of several stacks may run in threads of one process


def _cell_load_balancers(base: str, cells: int) -> list[str]:
    """The load balancer names of cells 1 to ``cells`` (at least) of environment ``base``."""
    max_length = limits.LOAD_BALANCER.max_length
    with _balancers_lock:
        names = _balancers.setdefault(base, [])
        while len(names) < cells:
            cell = len(names) + 1
            wanted = f"{base}-alb" if cell == 1 else f"{base}-alb-{cell}"
            name = fit(wanted, max_length)
            names.append(fit_unique(wanted, max_length) if name in names else name)
        return names


REGION_CODE_LENGTH = 4


def region_code(region: str) -> str:
    """Four base-36 characters standing for ``region`` in account-wide names (IAM roles): two environments of one
    project and name in two Regions of one account then name their roles apart. No two Regions botocore knows
    share one (tests/infra/test_naming.py checks)."""
    return base36_hash(region, REGION_CODE_LENGTH)


@dataclass(frozen=True)
class TenantNames:
    """Names of one tenant's resources. ``account``: the AWS account the tenant is deployed in (its bucket's name
    carries it); "" where it is not known (offline), which changes no name's length."""

    project: str
    environment: str
    region: str
    tenant: str
    account: str = ""

    @property
    def base(self) -> str:
        return f"{self.project}-{self.tenant}-{self.environment}"

    @property
    def bucket(self) -> str:
        """Bucket names are global across all AWS accounts (of a partition): the hash of project, region,
        environment, tenant and account keeps two accounts running the same project and environment names apart
        (S3 User Guide, "General purpose bucket naming rules": unique "across all AWS accounts in all the AWS
        Regions within a partition"). A bucket created before the account was part of the hash keeps its name
        (:attr:`legacy_bucket`): the program leaves a deployed bucket's name alone (``ignore_changes``), and a
        kept one is adopted under the name it has."""
        digest = stable_hash(self.project, self.region, self.environment, self.tenant, self.account, length=8)
        return f"{self.base}-{digest}"

    @property
    def legacy_bucket(self) -> str:
        """The bucket name of tenants created before the account was part of its hash."""
        digest = stable_hash(self.project, self.region, self.environment, self.tenant, length=8)
        return f"{self.base}-{digest}"

    def target_group(self, port: int, cell: int = 1) -> str:
        """Named for the port and the cell as well: a target group's port cannot change in place, and a target
        group serves one load balancer only, so a new port or a move to another cell means a new target group,
        created (under its own name) before the old one is deleted. Cell 1 adds nothing to the name, so the
        target groups of an environment created before cells keep theirs. A name longer than 32 characters is
        shortened with a 12-character hash (:func:`fit_unique`); earlier saasctl releases gave it a 6-character
        one (README, "Upgrading": such a target group is replaced, created before the old one is deleted)."""
        cell_part = "" if cell == 1 else f"-c{cell}"
        return fit_unique(f"{self.base}{cell_part}-{port}", limits.TARGET_GROUP.max_length)

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

    # IAM roles are account-wide, not regional: the same project, environment and tenant in two Regions of one
    # account would name the same role. The Region's code keeps them apart; roles created before it was part of
    # the name keep theirs (the program leaves a deployed role's name alone: ``ignore_changes``). The suffix costs
    # no tenant-name length: a role name still has as much room as the bucket name (see max_tenant_name_length).
    @property
    def execution_role(self) -> str:
        return f"{self.base}-exec-{region_code(self.region)}"

    @property
    def task_role(self) -> str:
        return f"{self.base}-task-{region_code(self.region)}"

    @property
    def legacy_roles(self) -> tuple[str, str]:
        """The execution and task role names of tenants created before the Region was part of them."""
        return f"{self.base}-exec", f"{self.base}-task"

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

    def aws_names(self, port: int, cell: int) -> tuple[AwsName, ...]:
        """Every name the tenant's stack gives a resource that must be unique beyond the stack: ``validate`` refuses
        two tenants (or a tenant and the platform) that would share one."""
        return (
            AwsName("S3 bucket", "all of AWS (every account)", self.bucket, limits.S3_BUCKET),
            AwsName("target group", IN_ACCOUNT_REGION, self.target_group(port, cell), limits.TARGET_GROUP),
            AwsName("security group", "the VPC", self.security_group, limits.SECURITY_GROUP),
            # IAM names are unique ignoring case (IAM User Guide, "IAM identifiers": "names are not distinguished
            # by case"); every name here is compared ignoring case.
            AwsName("IAM role", "the account", self.execution_role, limits.IAM_ROLE),
            AwsName("IAM role", "the account", self.task_role, limits.IAM_ROLE),
            AwsName("log group", IN_ACCOUNT_REGION, self.log_group, limits.LOG_GROUP),
            AwsName("secret", IN_ACCOUNT_REGION, self.secret, limits.SECRET),
            AwsName("ECS service", "the ECS cluster", self.ecs_service, limits.ECS_NAME),
            AwsName("task definition family", IN_ACCOUNT_REGION, self.task_family, limits.ECS_NAME),
            AwsName("database role", "the Aurora cluster", self.database_user, limits.POSTGRES_ROLE),
        )


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
