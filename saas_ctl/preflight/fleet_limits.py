"""Quotas per resource that a growing fleet meets: rules per security group, targets per load balancer, IAM roles
per account, and the database's connections. Offline against the quotas the spec declares (``platform.quotas``)
or AWS's defaults; `preflight --live` reads the account's own (``saas_ctl.preflight.live.quotas``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from infra import aws_limits as limits
from saas_ctl.preflight.capacity import QUOTAS_PATH, declared_quota
from saas_ctl.preflight.findings import Finding, error, warning
from saas_ctl.spec import cells
from saas_ctl.spec.models import Tenant, TenantsFile

# ECS's default deploymentConfiguration.maximumPercent: a rolling deployment may run twice the desired tasks.
ROLLING_DEPLOYMENT_FACTOR = 2


def rule_counts() -> dict[tuple[str, str], int]:
    """Rules per security group and direction, whatever the number of tenants (no tenant adds one to a shared
    group): the platform's groups and a tenant's own."""
    return {**limits.PLATFORM_SECURITY_GROUP_RULES, **limits.TENANT_SECURITY_GROUP_RULES}


def security_group_rules(spec: TenantsFile, quota: int, source: str) -> Iterator[Finding]:
    for (group, direction), count in sorted(rule_counts().items()):
        if count > quota:
            yield error(
                "FLEET-SECURITY-GROUP-RULES",
                (*QUOTAS_PATH, "rules_per_security_group"),
                f"the {group} security group holds {count} {direction} rules; "
                f"{limits.RULES_PER_SECURITY_GROUP.name} is {quota} ({source})",
                f"request a higher '{limits.RULES_PER_SECURITY_GROUP.name}' quota "
                f"({limits.RULES_PER_SECURITY_GROUP.service} {limits.RULES_PER_SECURITY_GROUP.code})",
            )


def _most_tasks(spec: TenantsFile, tenant: Tenant) -> int:
    own = tenant.autoscaling.max if tenant.autoscaling is not None else None
    return own if own is not None else spec.defaults.autoscaling.max


def targets_per_load_balancer(spec: TenantsFile, quota: int, source: str) -> Iterator[Finding]:
    """Each Fargate task is one target (target type ip) of its tenant's group, on its cell's ALB."""
    name = limits.TARGETS_PER_ALB.name
    for cell, members in sorted(cells.members(spec).items()):
        most = sum(_most_tasks(spec, tenant) for tenant in members)
        if most > quota:
            yield error(
                "FLEET-TARGETS-PER-ALB",
                ("tenants",),
                f"at every tenant's autoscaling maximum cell {cell} registers {most} targets (one per task) with "
                f"its ALB; {name} is {quota} ({source})",
                f"move tenants to another cell, lower autoscaling.max, or request a higher '{name}' quota "
                f"({limits.TARGETS_PER_ALB.service} {limits.TARGETS_PER_ALB.code}), then declare it as "
                "platform.quotas.targets_per_load_balancer",
            )
        elif most * ROLLING_DEPLOYMENT_FACTOR > quota:
            yield warning(
                "FLEET-TARGETS-PER-ALB",
                ("tenants",),
                f"at every tenant's autoscaling maximum cell {cell} registers {most} targets with its ALB, and up "
                f"to {most * ROLLING_DEPLOYMENT_FACTOR} while services roll out (ECS starts new tasks before it "
                f"stops old ones); {name} is {quota} ({source})",
                "move tenants to another cell before many deploy at once",
            )


def iam_roles(spec: TenantsFile, quota: int, source: str, others: int = 0) -> Iterator[Finding]:
    """IAM roles are the account's, not the region's: ``others`` is what the account's other environments (and
    anything else) already hold, known live only."""
    need = limits.IAM_ROLES_PER_TENANT * len(spec.tenants)
    if others + need > quota:
        held = f"; {others} other roles are in the account" if others else ""
        fit = max(quota - others, 0) // limits.IAM_ROLES_PER_TENANT
        yield error(
            "FLEET-IAM-ROLES",
            ("tenants",),
            f"{len(spec.tenants)} tenants need {need} IAM roles ({limits.IAM_ROLES_PER_TENANT} each){held}; "
            f"{limits.IAM_ROLES_PER_ACCOUNT.name} is {quota} ({source}), counted across every environment and "
            f"region of the account, so {fit} tenants fit",
            f"request a higher '{limits.IAM_ROLES_PER_ACCOUNT.name}' quota ({limits.IAM_ROLES_PER_ACCOUNT.service} "
            f"{limits.IAM_ROLES_PER_ACCOUNT.code}), then declare it as platform.quotas.iam_roles; or use another "
            "account for some environments",
        )


_SIZE = re.compile(r"db\.(?P<family>[a-z0-9]+)\.(?P<size>(?P<n>\d*)xlarge|large|medium|small)")
# Memory of the size "large" per family kind, in GiB (Aurora User Guide, "Hardware specifications for DB
# instance classes"): memory-optimized r classes 16, x2g 32, burstable t classes 8 (medium 4); each xlarge step
# doubles it.
_LARGE_GIB = {"r": 16, "x": 32, "t": 8}


def instance_memory_gib(instance_class: str) -> float | None:
    """The nominal memory of an instance class, or None when saasctl cannot tell (db.serverless)."""
    found = _SIZE.fullmatch(instance_class)
    if found is None or found["family"][0] not in _LARGE_GIB:
        return None
    large = _LARGE_GIB[found["family"][0]]
    size = found["size"]
    if size == "large":
        return float(large)
    if size in ("medium", "small"):
        return large / (2 if size == "medium" else 4)
    return float(large * 2 * int(found["n"] or 1))


def max_connections(instance_class: str) -> int | None:
    """Aurora PostgreSQL's default max_connections for the class, from its nominal memory: an upper estimate
    (DBInstanceClassMemory is the memory left after the engine's own)."""
    memory = instance_memory_gib(instance_class)
    if memory is None:
        return None
    by_memory = math.floor(memory * 1024**3 / limits.AURORA_PG_BYTES_PER_CONNECTION)
    return min(by_memory, limits.AURORA_PG_MAX_CONNECTIONS_CAP)


def database_connections(spec: TenantsFile) -> Iterator[Finding]:
    database = spec.platform.database
    pool = database.connections_per_task
    if pool is None:
        return
    ceiling = max_connections(database.instance_class)
    tasks = sum(_most_tasks(spec, tenant) for tenant in spec.tenants)
    need = tasks * pool
    if ceiling is not None and need > ceiling:
        yield warning(
            "FLEET-DATABASE-CONNECTIONS",
            ("platform", "database", "connections_per_task"),
            f"at every tenant's autoscaling maximum {tasks} tasks hold {pool} connections each, {need} in all; "
            f"the writer ({database.instance_class}) allows about {ceiling} by default (Aurora PostgreSQL's "
            "LEAST(DBInstanceClassMemory/9531392, 5000))",
            "use a larger instance_class, fewer connections per task, or a connection pooler (RDS Proxy)",
        )


def check(spec: TenantsFile) -> list[Finding]:
    """Every offline per-resource quota finding of the fleet."""
    rules, rules_source = declared_quota(spec, "rules_per_security_group", limits.RULES_PER_SECURITY_GROUP)
    targets, targets_source = declared_quota(spec, "targets_per_load_balancer", limits.TARGETS_PER_ALB)
    roles, roles_source = declared_quota(spec, "iam_roles", limits.IAM_ROLES_PER_ACCOUNT)
    return [
        *security_group_rules(spec, rules, rules_source),
        *targets_per_load_balancer(spec, targets, targets_source),
        *iam_roles(spec, roles, roles_source),
        *database_connections(spec),
    ]
