"""Rules that relate several values of a tenants file. Pure functions: a valid model in, problems out.

Each problem is ``(path, message)``; the loader turns paths into file lines.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator

from infra import addressing, naming
from infra import aws_limits as limits
from saas_ctl.spec import NO_TIER, cells
from saas_ctl.spec.models import MAX_ZONES, ServiceSettings, Tenant, TenantsFile, Tier, resolve, tier_of

Problem = tuple[tuple[str | int, ...], str]


# Who owns each derived AWS name seen so far, by (kind, name ignoring case): a description and its path.
NameOwners = dict[tuple[str, str], tuple[str, tuple[str | int, ...]]]


def problems(spec: TenantsFile) -> list[Problem]:
    """Every cross-field problem of ``spec``, in file order where possible."""
    found = list(_network(spec))
    found += _reserved_tag_keys(spec.platform.tags, ("platform", "tags"))
    found += _service(spec.defaults, ("defaults",), "the defaults")
    found += _tiers(spec)
    owners: NameOwners = {}
    found += _platform_names(spec, owners)
    found += _tenants(spec, owners)
    found += _cells(spec)
    found += _environment_sizes(spec)
    return found


def _network(spec: TenantsFile) -> Iterator[Problem]:
    network = spec.platform.network
    if network.max_zones < network.availability_zones:
        yield (
            ("platform", "network", "max_zones"),
            f"must be at least availability_zones ({network.availability_zones}): the subnets are carved for "
            f"max_zones zones; use max_zones: {network.availability_zones} or more (at most {MAX_ZONES})",
        )
        return
    vpc = ipaddress.IPv4Network(network.vpc_cidr)
    subnets_needed = 2 * network.max_zones
    bits = addressing.subnet_bits(network.max_zones)
    # An ALB's subnets need a /27 at least (AWS's smallest subnet is a /28): every subnet is carved that big.
    smallest = limits.ALB_SUBNET_PREFIX_MAX
    if vpc.prefixlen + bits > smallest:
        fits = min(addressing.largest_max_zones(vpc.prefixlen, smallest), MAX_ZONES)
        instead = f"max_zones: {fits} or fewer, or " if fits >= network.availability_zones else ""
        yield (
            ("platform", "network", "vpc_cidr"),
            f"{network.vpc_cidr} is too small for a public and a private subnet in each of {network.max_zones} "
            f"zones (max_zones; {subnets_needed} subnets of at least /{smallest}, the smallest an ALB accepts); "
            f"the largest max_zones it fits is {fits}; use {instead}/{smallest - bits} or larger",
        )


def _reserved_tag_keys(tags: dict[str, str], path: tuple[str | int, ...]) -> Iterator[Problem]:
    reserved = {key.lower(): key for key in naming.GENERATED_TAG_KEYS}
    for key in tags:
        own = reserved.get(key.lower())
        if own == key:
            yield (
                (*path, key),
                f"tag key {key!r} is set by saasctl itself; reserved keys: {', '.join(naming.GENERATED_TAG_KEYS)}",
            )
        elif own is not None:
            # IAM User Guide, "Rules for tagging in IAM and AWS STS": role tag keys ignore case.
            yield (
                (*path, key),
                f"tag key {key!r} differs only in case from {own!r}, which saasctl sets itself; IAM tag keys ignore "
                "case, so a role tagged with both is refused ('Duplicate tag keys found'); reserved keys: "
                f"{', '.join(naming.GENERATED_TAG_KEYS)}",
            )


def _tag_spellings(tenant: Tenant, platform_tags: dict[str, str], at: tuple[str | int, ...]) -> Iterator[Problem]:
    """A tenant's tag overrides the platform's only under the same key: another spelling would add a second key."""
    platform_keys = {key.lower(): key for key in platform_tags}
    for key in tenant.tags:
        other = platform_keys.get(key.lower())
        if other is not None and other != key:
            yield (
                (*at, "tags", key),
                f"tag key {key!r} differs only in case from the platform's {other!r}: the tenant's resources would "
                "carry both, and IAM tag keys ignore case, so its roles would be refused ('Duplicate tag keys "
                f"found'); write it {other!r} to override the platform's value",
            )


def _platform_names(spec: TenantsFile, owners: NameOwners) -> Iterator[Problem]:
    names = naming.PlatformNames(spec.platform.project, spec.platform.environment)
    for name in names.aws_names(cells.cell_count(spec)):
        who = f"{name.part}'s" if name.part else "the platform's"
        yield from _claim(owners, name, who, ("platform", "load_balancer") if name.part else ("platform",))


def _claim(owners: NameOwners, name: naming.AwsName, who: str, path: tuple[str | int, ...]) -> Iterator[Problem]:
    """Record ``name`` as ``who``'s; a problem if another already has it. Names saasctl shortens with a hash (target
    groups, load balancers) could meet only through a hash collision, the others only through a naming bug: this
    is the rule that stands behind both."""
    first = owners.setdefault((name.kind, name.value.lower()), (who, path))
    if first != (who, path):
        other, _ = first
        yield (
            path,
            f"{who} {name.kind} name {name.value!r} is also {other}; {name.kind} names are unique in "
            f"{name.unique_in}: rename one of the two",
        )


def _tenants(spec: TenantsFile, owners: NameOwners) -> list[Problem]:
    platform = spec.platform
    max_name = naming.max_tenant_name_length(platform.project, platform.environment, platform.region)
    seen_names: dict[str, int] = {}
    seen_hosts: dict[str, str] = {}
    seen_priorities: dict[tuple[int, int], str] = {}  # (cell, priority): priorities are unique per listener
    free: dict[int, int] = {}

    def free_priority(cell: int) -> int:
        if cell not in free:
            free[cell] = cells.lowest_free_priority(cells.priorities_in(spec, cell))
        return free[cell]

    several_cells = cells.cell_count(spec) > 1
    found: list[Problem] = []
    for index, tenant in enumerate(spec.tenants):
        at = ("tenants", index)
        if len(tenant.name) > max_name:
            found.append(((*at, "name"), _name_too_long(tenant.name, max_name, spec)))
        if tenant.name in seen_names:
            found.append(
                ((*at, "name"), f"tenant {tenant.name!r} is declared twice (also tenants[{seen_names[tenant.name]}])")
            )
        seen_names.setdefault(tenant.name, index)
        cell = cells.cell_of(tenant)
        in_cell = f" in cell {cell}" if several_cells else ""
        if tenant.priority is None:
            found.append(
                (at, f"tenant {tenant.name!r} has no priority; the lowest free one{in_cell} is {free_priority(cell)}")
            )
        elif (cell, tenant.priority) in seen_priorities:
            found.append(
                (
                    (*at, "priority"),
                    f"priority {tenant.priority} is already used{in_cell} by tenant "
                    f"{seen_priorities[cell, tenant.priority]!r}; "
                    f"the lowest free one{in_cell} is {free_priority(cell)}",
                )
            )
        else:
            seen_priorities[cell, tenant.priority] = tenant.name
        if tenant.tier is not None and tier_of(tenant, spec) is None:
            found.append(((*at, "tier"), _unknown_tier(tenant.tier, spec)))
        effective = resolve(tenant, spec)
        found += _hosts(effective.hosts, tenant, at, seen_hosts)
        if seen_names[tenant.name] == index:  # a tenant declared twice is reported once, above
            names = naming.TenantNames(platform.project, platform.environment, platform.region, tenant.name)
            for name in names.aws_names(effective.container_port, effective.cell):
                found += _claim(owners, name, f"tenant {tenant.name!r}'s", (*at, "name"))
        if _overrides_service(tenant) or tier_of(tenant, spec) is not None:
            found += _service(effective, at, f"tenant {tenant.name!r}")
        found += _reserved_tag_keys(tenant.tags, (*at, "tags"))
        found += _tag_spellings(tenant, platform.tags, at)
        tag_count = len(naming.tags(platform.project, platform.environment, tenant.name, effective.tags))
        if tag_count > limits.TAGS_PER_RESOURCE:
            found.append(
                (
                    (*at, "tags"),
                    f"{tag_count} tags after merging the platform's, the tenant's and saasctl's own; "
                    f"AWS allows {limits.TAGS_PER_RESOURCE} per resource",
                )
            )
    return found


def _hosts(
    hosts: tuple[str, ...], tenant: Tenant, at: tuple[str | int, ...], seen: dict[str, str]
) -> Iterator[Problem]:
    """Hosts are equal ignoring case: an ALB host condition compares them so (HostHeaderConditionConfig, "The
    comparison is case insensitive"), and so does DNS (RFC 4343), where each host gets one Route 53 record."""
    own: dict[str, int] = {}
    for position, host in enumerate(hosts):
        where = (*at, "hosts", position) if tenant.hosts else (*at, "name")
        first = own.setdefault(host.lower(), position)
        if first != position:
            yield (
                where,
                f"host {host!r} repeats hosts[{first}] ({hosts[first]!r}) of tenant {tenant.name!r}; hosts are equal "
                "ignoring case (ALB rules and DNS names both ignore it), and each gets one Route 53 record: list it "
                "once",
            )
            continue
        owner = seen.setdefault(host.lower(), tenant.name)
        if owner != tenant.name:
            yield (where, f"host {host!r} is already routed to tenant {owner!r}")


def _cells(spec: TenantsFile) -> Iterator[Problem]:
    """A cell is one ALB, which holds at most 100 target groups (not adjustable): one per tenant."""
    limit = limits.ALB_TARGET_GROUPS_PER_LOAD_BALANCER
    per_cell = spec.platform.load_balancer.tenants_per_cell
    members = cells.members(spec)
    for cell, tenants in members.items():
        if len(tenants) > limit:
            first_over = spec.tenants.index(tenants[limit])
            needed = -(-len(spec.tenants) // per_cell)
            yield (
                ("tenants", first_over, "cell"),
                f"cell {cell} holds {len(tenants)} tenants; a cell is one ALB, which takes at most {limit} target "
                f"groups (not adjustable), one per tenant. {len(spec.tenants)} tenants need at least {needed} cells "
                f"at tenants_per_cell {per_cell}: give the tenants from {tenants[limit].name!r} on a `cell:` of "
                f"their own (`saasctl tenant add` assigns one to every new tenant)",
            )


def _name_too_long(name: str, max_name: int, spec: TenantsFile) -> str:
    names = naming.TenantNames(spec.platform.project, spec.platform.environment, spec.platform.region, name)
    return (
        f"tenant name {name!r} is {len(name)} characters; with project {spec.platform.project!r} and "
        f"environment {spec.platform.environment!r} at most {max_name} fit every AWS name derived from it "
        f"(the bucket name would be {names.bucket!r}, {len(names.bucket)} of {limits.S3_BUCKET.max_length})"
    )


def _unknown_tier(name: str, spec: TenantsFile) -> str:
    known = ", ".join(spec.tiers) or "none (add a `tiers:` mapping)"
    return f"tier {name!r} is not one of the file's tiers; tiers: {known}"


def _tiers(spec: TenantsFile) -> Iterator[Problem]:
    """A tier's sizing, over the defaults, passes the same Fargate and scaling rules as a tenant's."""
    for name, tier in spec.tiers.items():
        if name == NO_TIER:
            yield (
                ("tiers", name),
                f"a tier cannot be called {NO_TIER!r}: `saasctl tenant set NAME --tier none` removes a tenant's tier",
            )
        yield from _reserved_tag_keys(tier.tags, ("tiers", name, "tags"))
        if _overrides_service(tier):
            yield from _service(_over_defaults(tier, spec.defaults), ("tiers", name), f"tier {name!r}")


def _over_defaults(tier: Tier, defaults: ServiceSettings) -> ServiceSettings:
    own = tier.model_dump(exclude_none=True, exclude={"autoscaling", "environment", "suspended_page", "tags"})
    scaling = defaults.autoscaling.model_copy(
        update=tier.autoscaling.model_dump(exclude_none=True) if tier.autoscaling else {}
    )
    return defaults.model_copy(update={**own, "autoscaling": scaling})


def _overrides_service(tenant: Tenant | Tier) -> bool:
    """Whether the tenant sets a value the sizing rules read (otherwise the defaults' check covers it)."""
    return any(v is not None for v in (tenant.cpu, tenant.memory, tenant.desired_count, tenant.autoscaling))


def _service(settings: ServiceSettings, at: tuple[str | int, ...], who: str) -> Iterator[Problem]:
    valid_memory = limits.FARGATE_CPU_MEMORY.get(settings.cpu)
    if valid_memory is None:
        cpus = ", ".join(str(c) for c in limits.FARGATE_CPU_MEMORY)
        yield ((*at, "cpu"), f"cpu {settings.cpu} is not a Fargate size; valid cpu values: {cpus}")
    elif settings.memory not in valid_memory:
        yield ((*at, "memory"), fargate_memory_message(settings.cpu, settings.memory))
    scaling = settings.autoscaling
    if scaling.max > limits.TASKS_PER_SERVICE_MAX:
        yield (
            (*at, "autoscaling", "max"),
            f"autoscaling max {scaling.max} is more tasks than an ECS service runs "
            f"({limits.TASKS_PER_SERVICE_MAX}, the 'Tasks per service' quota)",
        )
    if not scaling.min <= settings.desired_count <= scaling.max:
        yield (
            (*at, "autoscaling"),
            f"autoscaling needs min <= desired_count <= max; {who} has "
            f"min {scaling.min}, desired_count {settings.desired_count}, max {scaling.max}",
        )


def environment_size(environment: dict[str, str]) -> int:
    """Bytes the variables take in the task definition's JSON (``{"name": ..., "value": ...}`` each)."""
    return sum(len(json.dumps({"name": k, "value": v}).encode()) + 2 for k, v in environment.items())


def _environment_sizes(spec: TenantsFile) -> Iterator[Problem]:
    for index, tenant in enumerate(spec.tenants):
        tier = tier_of(tenant, spec)
        size = environment_size(
            {**spec.defaults.environment, **(tier.environment if tier else {}), **tenant.environment}
        )
        if size > limits.TASK_ENVIRONMENT_MAX_BYTES:
            yield (
                ("tenants", index, "environment"),
                f"tenant {tenant.name!r}'s environment takes {size:,} bytes of its task definition; ECS allows 64 "
                f"KiB for the whole definition, so saasctl allows {limits.TASK_ENVIRONMENT_MAX_BYTES:,} for the "
                "environment (keep large values in S3 or a secret)",
            )


def fargate_memory_message(cpu: int, memory: int) -> str:
    valid = limits.FARGATE_CPU_MEMORY[cpu]
    nearest = min(valid, key=lambda m: (abs(m - memory), m))
    span = (
        ", ".join(str(m) for m in valid)
        if len(valid) <= 8
        else f"{valid[0]}-{valid[-1]} in steps of {valid[1] - valid[0]}"
    )
    return f"memory {memory} is not valid with cpu {cpu} on Fargate; valid: {span}; the nearest is {nearest}"
