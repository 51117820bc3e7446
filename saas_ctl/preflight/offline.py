"""Offline preflight rules: pure functions of a valid spec (and the version catalogue), no AWS calls.

Each rule yields findings with a stable code. They check what the spec and the names derived from it can
break at deploy time, beyond the spec's own validation (see ``shared/aws-constraints.md``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from infra import aws_limits as limits
from infra import naming, policies
from infra.addressing import nat_gateway_count
from infra.aws_limits import NameRule
from saas_ctl.preflight.catalog import (
    InstanceClassCatalog,
    VersionCatalog,
    is_major_only,
    load_data_api_regions,
    load_instance_classes,
    load_zones,
    newest_of_major,
    version_key,
)
from saas_ctl.preflight.findings import Finding, error, info, warning
from saas_ctl.spec import cells
from saas_ctl.spec.models import TenantsFile, resolve

Rule = Callable[[TenantsFile, VersionCatalog], Iterator[Finding]]

DB = ("platform", "database")
VERSION_PATH = (*DB, "engine_version")
CLASS_PATH = (*DB, "instance_class")
_VERSION_RE = re.compile(r"([0-9]+)\.([0-9]+)(-limitless)?")  # [0-9]: \d would take any script's digits
# Most tags any one saasctl resource sets itself, on top of the provider's default tags ('Name', 'tier').
RESOURCE_OWN_TAGS = 2


def resolved_version(spec: TenantsFile, catalog: VersionCatalog) -> str:
    """The version the deploy asks for: a major-only engine_version resolved to its newest known release."""
    version = spec.platform.database.engine_version
    if is_major_only(version):
        return newest_of_major(version, catalog) or version
    return version


def engine_version(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    version = spec.platform.database.engine_version
    if is_major_only(version):
        newest = newest_of_major(version, catalog)
        if newest is not None:
            yield info(
                "DB-ENGINE-VERSION-RESOLVED",
                VERSION_PATH,
                f'engine_version "{version}" deploys {newest}, the newest {version}.x in {catalog.describe()}; '
                "AWS's automatic minor upgrades then stand (the next deploy does not downgrade)",
            )
            return
        supported = ", ".join(str(m) for m in catalog.supported_majors)
        yield error(
            "DB-ENGINE-MAJOR",
            VERSION_PATH,
            f"{catalog.describe()} lists no Aurora PostgreSQL {version}.x release (supported majors: {supported})",
            _newest_per_major(catalog),
        )
        return
    match = _VERSION_RE.fullmatch(version)
    if not match:
        yield error(
            "DB-ENGINE-VERSION-FORMAT",
            VERSION_PATH,
            f"{version!r} is not an Aurora PostgreSQL version; versions look like 15.8 or 16.6, or a major alone "
            "like 15",
            _newest_per_major(catalog),
        )
        return
    major = match.group(1)
    if match.group(3):
        yield error(
            "DB-ENGINE-LIMITLESS",
            VERSION_PATH,
            f"{version} is an Aurora Limitless Database version, which needs a shard group, not a cluster",
            f"use {version.removesuffix('-limitless')} or another non-limitless version",
        )
        return
    if int(major) not in catalog.supported_majors:
        supported = ", ".join(str(m) for m in catalog.supported_majors)
        yield error(
            "DB-ENGINE-MAJOR",
            VERSION_PATH,
            f"Aurora PostgreSQL major version {major} is not supported (supported majors: {supported})",
            _newest_per_major(catalog),
        )
        return
    if version in catalog.versions:
        return
    listed = catalog.same_major(major)
    retired = version in catalog.retired
    if listed or retired:
        state = "has been retired by AWS" if retired else "is not available"
        yield error(
            "DB-ENGINE-VERSION",
            VERSION_PATH,
            f"Aurora PostgreSQL {version} {state} according to {catalog.describe()}; the deploy would fail "
            f"with 'InvalidParameterCombination: Cannot find version {version} for aurora-postgresql'",
            f"available {major}.x versions: {', '.join(listed)}; `saasctl preflight --live` confirms for "
            f"{spec.platform.region}",
        )
    else:
        yield warning(
            "DB-ENGINE-VERSION",
            VERSION_PATH,
            f"Aurora PostgreSQL {version} is not in {catalog.describe()}, which lists no {major}.x versions",
            "`saasctl preflight --live` checks it against your region",
        )


def _newest_per_major(catalog: VersionCatalog) -> str:
    newest = {}
    for version in catalog.versions:
        newest[version.split(".")[0]] = version  # versions are sorted ascending within the catalogue
    return "newest per major version: " + ", ".join(newest[m] for m in sorted(newest, key=int))


# Classes Aurora PostgreSQL never accepts (shared/aws-constraints.md §1.2).
_DENIED_CLASSES = (
    (re.compile(r"db\.t2\..*"), "db.t2 classes are not supported by Aurora"),
    (re.compile(r"db\.t[34]g?\.(micro|small)"), "Aurora PostgreSQL's smallest burstable classes are medium"),
    (re.compile(r"db\.r3\..*"), "db.r3 classes are not supported by Aurora PostgreSQL"),
    (re.compile(r"db\.r4\..*"), "db.r4 classes are not supported by Aurora PostgreSQL 13 and later"),
)


def instance_class(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    value = spec.platform.database.instance_class
    if value == "db.serverless":
        yield error(
            "DB-INSTANCE-CLASS",
            CLASS_PATH,
            "db.serverless needs a Serverless v2 scaling configuration, which saasctl does not create",
            "use a provisioned class such as db.r6g.large or db.r7g.large",
        )
        return
    for pattern, reason in _DENIED_CLASSES:
        if pattern.fullmatch(value):
            yield error(
                "DB-INSTANCE-CLASS",
                CLASS_PATH,
                f"{value}: {reason}; the deploy would fail with InvalidParameterCombination",
                "use db.r6g.large or db.r7g.large (the Data API that makes tenant databases needs a non-T class)",
            )
            return
    yield from _aurora_class(value)


# A family name: its kind, generation and variant (r6gd: r, 6, gd).
_FAMILY_RE = re.compile(r"([a-z]+)([0-9]+)([a-z]*)")


def _aurora_class(value: str) -> Iterator[Finding]:
    """The class against the bundled list of Aurora PostgreSQL families and sizes (RDS offers many classes, such
    as db.m6g or db.r5b, that Aurora does not: CreateDBInstance refuses them with InvalidParameterCombination)."""
    known = load_instance_classes()
    _, family, size = value.split(".")
    sizes = known.sizes.get(family)
    if sizes is not None:
        if size not in sizes:
            yield error(
                "DB-INSTANCE-CLASS",
                CLASS_PATH,
                f"{value}: Aurora PostgreSQL offers db.{family} in sizes {', '.join(sizes)} according to "
                f"{known.describe()}; the deploy would fail with InvalidParameterCombination",
                f"use db.{family}.{sizes[0]} or another listed size",
            )
        return
    newest = _newest_of_kind(family, known)
    if newest is not None:
        yield warning(
            "DB-INSTANCE-CLASS",
            CLASS_PATH,
            f"db.{family} is not in {known.describe()}; it looks like a generation after db.{newest}, the newest "
            "listed of its kind",
            "`saasctl preflight --live` checks it against your region",
        )
        return
    families = ", ".join(f"db.{f}" for f in sorted(known.sizes, key=_family_order))
    yield error(
        "DB-INSTANCE-CLASS",
        CLASS_PATH,
        f"{value} is not an Aurora PostgreSQL instance class: {known.describe()} has no db.{family} family; the "
        "deploy would fail with InvalidParameterCombination",
        f"use a class of {families} (db.r6g.large or db.r7g.large suit most fleets)",
    )


def _family_order(family: str) -> tuple[str, int, str]:
    parsed = _FAMILY_RE.fullmatch(family)
    return (parsed[1], int(parsed[2]), parsed[3]) if parsed else (family, 0, "")


def _newest_of_kind(family: str, known: InstanceClassCatalog) -> str | None:
    """The newest listed family of ``family``'s kind and variant when ``family`` is a later generation of it
    (db.r10g after db.r9g), else None."""
    parsed = _FAMILY_RE.fullmatch(family)
    if parsed is None:
        return None
    kind, generation, variant = parsed[1], int(parsed[2]), parsed[3]
    same = [
        (int(m[2]), f)
        for f in known.sizes
        if (m := _FAMILY_RE.fullmatch(f)) is not None and (m[1], m[3]) == (kind, variant)
    ]
    if not same or max(same)[0] >= generation:
        return None
    return max(same)[1]


def region(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    from saas_ctl.preflight.catalog import load_regions

    known = load_regions()
    if spec.platform.region not in known.regions:
        yield error(
            "REGION-UNKNOWN",
            ("platform", "region"),
            f"{spec.platform.region} is not an AWS Region in {known.describe()}; nothing could be deployed there",
            "use a Region code such as us-east-1 or eu-west-1; if AWS opened this Region since, "
            "`saasctl preflight --live --refresh-catalog` stores the Regions your account sees",
        )


def availability_zones(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    """The platform puts a public and a private subnet in each of its first N zones (ec2:DescribeAvailabilityZones):
    a Region with fewer fails the platform deploy at the first subnet of a zone it does not have."""
    known = load_zones()
    region, wanted = spec.platform.region, spec.platform.network.availability_zones
    count = known.zones.get(region)
    if count is not None and wanted > count:
        yield error(
            "REGION-AZ-COUNT",
            ("platform", "network", "availability_zones"),
            f"{region} has {count} Availability Zones according to {known.describe()} (standard zones; some "
            f"accounts see fewer); the spec asks for {wanted}, so the platform deploy would fail at the subnets of a "
            "zone the Region does not have",
            f"use availability_zones: {count} or fewer (`saasctl preflight --live` counts your account's zones)",
        )


def data_api(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    """saasctl makes each tenant's role and database through the RDS Data API: the cluster must support it."""
    database = spec.platform.database
    regions = load_data_api_regions()
    if spec.platform.region in regions.unavailable:
        yield error(
            "DB-DATA-API-REGION",
            ("platform", "region"),
            f"{spec.platform.region} has no RDS Data API for Aurora PostgreSQL according to {regions.describe()}; "
            "saasctl creates each tenant's database role and database through it, so every tenant deploy would fail",
            "deploy this environment in a Region that offers the Data API (AWS's table lists them: "
            "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature."
            "Data_API.html)",
        )
    if database.instance_class.startswith(limits.DATA_API_UNSUPPORTED_CLASS_PREFIX):
        yield error(
            "DB-DATA-API",
            CLASS_PATH,
            f"{database.instance_class}: the RDS Data API, through which saasctl creates each tenant's database "
            "role and database, does not run on T instance classes",
            "use db.r6g.large or db.r7g.large",
        )
    version = resolved_version(spec, catalog)
    match = _VERSION_RE.fullmatch(version)
    if not match:
        return
    major = version.split(".")[0]
    minimum = limits.DATA_API_MIN_VERSION.get(major)
    if minimum is None or version_key(version) < version_key(minimum):
        supported = ", ".join(f"{v}+" for v in limits.DATA_API_MIN_VERSION.values())
        yield error(
            "DB-DATA-API",
            VERSION_PATH,
            f"Aurora PostgreSQL {version} has no RDS Data API on provisioned clusters, through "
            "which saasctl creates each tenant's database role and database",
            f"use a version with it: {supported}",
        )


def in_zone(host: str, zone: str) -> bool:
    host, zone = host.lower().rstrip("."), zone.lower().rstrip(".")
    return host == zone or host.endswith("." + zone)


def dns_wildcard(host: str) -> str | None:
    """What makes ``host`` mean one thing to the ALB and another to DNS, or None. The ALB reads '?' as any one
    character and '*' as any characters wherever they are (HostHeaderConditionConfig); Route 53 accepts both as
    plain characters in a record's name, except a '*' that is the whole leftmost label, which is a DNS wildcard
    (Route 53 Developer Guide, "DNS domain name format": "If you include * in any other position, such as
    prod.*.example.com, DNS treats it as an * character (ASCII 42), not as a wildcard")."""
    labels = host.split(".")
    if "?" in host:
        return "'?'"
    if any("*" in label for label in labels[1:]) or ("*" in labels[0] and labels[0] != "*"):
        return "a '*' that is not the whole leftmost label"
    return None


def dns_hosts(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    """With platform.dns, every tenant host gets an alias record in the zone: it must lie inside it, and be a
    name the record and the ALB rule read the same way."""
    dns = spec.platform.dns
    if dns is None:
        return
    for index, tenant in enumerate(spec.tenants):
        for position, host in enumerate(resolve(tenant, spec).hosts):
            wildcard = dns_wildcard(host)
            if wildcard:
                yield error(
                    "DNS-HOST-WILDCARD",
                    ("tenants", index, "hosts", position) if tenant.hosts else ("tenants", index, "name"),
                    f"host {host} of tenant {tenant.name!r} has {wildcard}: with platform.dns saasctl refuses it "
                    "(its own rule, not Route 53's: Route 53 would store the character literally, while the ALB rule "
                    "reads it as a wildcard, so the record and the rule would mean different hosts)",
                    "use a plain host name, or '*' as the whole leftmost label (*.example.com: a wildcard record), "
                    "or list this host without platform.dns",
                )
    if dns.zone_name is None:
        return  # a zone given by ID only is checked live
    for index, tenant in enumerate(spec.tenants):
        for host in resolve(tenant, spec).hosts:
            if not in_zone(host, dns.zone_name):
                yield error(
                    "DNS-HOST-OUTSIDE-ZONE",
                    ("tenants", index, "hosts") if tenant.hosts else ("tenants", index, "name"),
                    f"host {host} of tenant {tenant.name!r} is not inside the hosted zone {dns.zone_name}: Route 53 "
                    "would refuse its record (not permitted in zone)",
                    f"use a host ending in .{dns.zone_name}, or a zone that contains {host}",
                )


def parameter_family(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    version = resolved_version(spec, catalog)
    match = _VERSION_RE.fullmatch(version)
    if not match:
        return  # reported by engine_version
    family = naming.parameter_group_family(version)
    valid = {f"aurora-postgresql{m}" for m in catalog.supported_majors}
    if family not in valid:
        yield error(
            "DB-PARAMETER-FAMILY",
            VERSION_PATH,
            f"the cluster parameter group family {family} (from {version}) does not exist",
            f"valid families: {', '.join(sorted(valid))}",
        )


# The finding code of each kind of derived name, by the rule it follows.
_NAME_CODES = {
    limits.LOAD_BALANCER: "NAME-LOAD-BALANCER",
    limits.SECURITY_GROUP: "NAME-SECURITY-GROUP",
    limits.LOG_GROUP: "NAME-LOG-GROUP",
    limits.S3_BUCKET: "NAME-S3-BUCKET",
    limits.TARGET_GROUP: "NAME-TARGET-GROUP",
    limits.IAM_ROLE: "NAME-IAM-ROLE",
    limits.SECRET: "NAME-SECRET",
    limits.ECS_NAME: "NAME-ECS",
    limits.POSTGRES_ROLE: "NAME-DATABASE-ROLE",
}


def derived_names(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    """Every name saasctl derives (``naming``'s table of them) against AWS's rule for its kind."""
    platform = spec.platform
    names = naming.PlatformNames(platform.project, platform.environment)
    project_path = ("platform", "project")
    for name in names.aws_names(cells.cell_count(spec)):
        yield from _check_name(_NAME_CODES[name.rule], name.value, name.rule, project_path)
    yield from _check_name("NAME-RDS-IDENTIFIER", names.db_cluster_identifier, limits.RDS_IDENTIFIER, project_path)
    yield from _check_name(
        "NAME-RDS-IDENTIFIER",
        names.db_final_snapshot_identifier(naming.GENERATION_EXAMPLE),
        limits.RDS_IDENTIFIER,
        project_path,
    )
    for index, tenant in enumerate(spec.tenants):
        t = naming.TenantNames(platform.project, platform.environment, platform.region, tenant.name)
        at = ("tenants", index, "name")
        effective = resolve(tenant, spec)
        for name in t.aws_names(effective.container_port, effective.cell):
            yield from _check_name(_NAME_CODES[name.rule], name.value, name.rule, at)
        if re.search(limits.SECRET_SUFFIX_TRAP, t.secret):
            yield secret_suffix_finding(t.secret, at)


def secret_suffix_finding(name: str, at: tuple[str | int, ...]) -> Finding:
    return error(
        "NAME-SECRET-SUFFIX",
        at,
        f"secret name {name!r} ends with a hyphen and six characters, which Secrets Manager confuses with "
        "the random suffix it appends to every secret ARN",
        "choose a name that does not end in -XXXXXX",
    )


def _check_name(code: str, value: str, rule: NameRule, at: tuple[str | int, ...]) -> Iterator[Finding]:
    if len(value) > rule.max_length or not re.fullmatch(rule.pattern, value):
        yield error(
            code,
            at,
            f"the {rule.kind} {value!r} breaks AWS's rule: {rule.description}",
            "rename the project, environment or tenant so the derived name follows the rule",
        )


def fleet_capacity(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    from saas_ctl.preflight import capacity, fleet_limits

    yield from capacity.check(spec)
    yield from fleet_limits.check(spec)


def host_headers(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    for index, tenant in enumerate(spec.tenants):
        hosts = resolve(tenant, spec).hosts
        wildcards = sum(h.count("*") + h.count("?") for h in hosts)
        if wildcards > limits.ALB_CONDITION_WILDCARDS_PER_RULE:
            yield error(
                "ALB-HOST-WILDCARDS",
                ("tenants", index, "hosts"),
                f"tenant {tenant.name!r} uses {wildcards} wildcards in its hosts; an ALB rule allows "
                f"{limits.ALB_CONDITION_WILDCARDS_PER_RULE}",
                "use fewer * and ? in the host names",
            )
        for position, host in enumerate(hosts):
            if len(host) > limits.HOST_HEADER_MAX_LENGTH:
                yield error(
                    "ALB-HOST-LENGTH",
                    ("tenants", index, "hosts", position),
                    f"host {host[:30]!r}... is {len(host)} characters; ALB host conditions allow "
                    f"{limits.HOST_HEADER_MAX_LENGTH}",
                    "use a shorter host name",
                )


def elastic_ips(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    network = spec.platform.network
    needed = nat_gateway_count(network.nat_gateways, network.availability_zones)
    quota = limits.DEFAULT_ELASTIC_IPS_PER_REGION
    path = ("platform", "network", "nat_gateways")
    if needed > quota:
        yield warning(
            "NAT-EIP-QUOTA",
            path,
            f"nat_gateways: {network.nat_gateways} needs {needed} Elastic IPs; the default quota is "
            f"{quota} per region (including addresses already allocated)",
            "request a higher EC2 'EC2-VPC Elastic IPs' quota (L-0263D0A3) or use nat_gateways: single; "
            "`saasctl preflight --live` checks your account's quota and usage",
        )
    if needed == 0 and spec.tenants:
        # Fargate tasks run in the private subnets with no public IP: with no NAT (and saasctl builds no VPC
        # endpoints) no task can pull its image, read its secret or ship its logs, so no tenant can ever run.
        yield error(
            "NAT-NONE",
            path,
            f"nat_gateways: none leaves the private subnets without internet access, so the {len(spec.tenants)} "
            "declared tenant(s) could never start: their tasks cannot pull images, read their secret or write logs",
            "use nat_gateways: single (or per_az)",
        )
    elif needed == 0:
        yield warning(
            "NAT-NONE",
            path,
            "nat_gateways: none leaves the private subnets without internet access: no tenant can be added "
            "until the platform has a NAT gateway",
            "use nat_gateways: single",
        )


def certificate(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    arn = spec.platform.load_balancer.certificate_arn
    if arn is None:
        if not spec.platform.throwaway:
            yield warning(
                "CERT-NONE",
                ("platform", "load_balancer", "certificate_arn"),
                f"environment {spec.platform.environment} is not throwaway but has no certificate: its tenants are "
                "served over plain HTTP only",
                "set platform.load_balancer.certificate_arn to an ACM certificate (in the platform's Region) that "
                "covers the tenants' hosts, or throwaway: true for a disposable environment",
            )
        return
    region = arn.split(":")[3]
    if region != spec.platform.region:
        yield error(
            "CERT-REGION",
            ("platform", "load_balancer", "certificate_arn"),
            f"the certificate is in {region} but the ALB is in {spec.platform.region}; an ALB can only use "
            "certificates of its own region (CertificateNotFound)",
            f"request or import the certificate in {spec.platform.region}",
        )


def image_partition(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    """A private ECR image is pulled by the tenant's execution role, whose policy names the repository's ARN: IAM
    refuses an ARN of another partition than the role's (a GovCloud or China platform pulls from its own
    partition's ECR, at that partition's registry host)."""
    home = limits.partition_of(spec.platform.region)
    images: list[tuple[tuple[str | int, ...], str]] = [(("defaults", "image"), spec.defaults.image)]
    images += [(("tenants", i, "image"), t.image) for i, t in enumerate(spec.tenants) if t.image is not None]
    for path, image in images:
        ecr = policies.ecr_image(image)
        if ecr is None:
            continue
        theirs = limits.partition_of(ecr.region)
        if theirs != home:
            yield error(
                "IMAGE-PARTITION",
                path,
                f"image {image} is in ECR in {ecr.region} (partition {theirs.name}), but the platform's region "
                f"{spec.platform.region} is in partition {home.name}: IAM refuses a role policy naming another "
                "partition's repository",
                f"push the image to ECR in {home.name}, e.g. "
                f"<account>.dkr.ecr.{spec.platform.region}.{home.dns_suffix}/{ecr.repository}",
            )
        elif ecr.dns_suffix != theirs.dns_suffix:
            yield error(
                "IMAGE-REGISTRY-HOST",
                path,
                f"image {image}: ECR registries in {ecr.region} are at .{theirs.dns_suffix}, not .{ecr.dns_suffix}, "
                "so the task could never pull it",
                f"use <account>.dkr.ecr.{ecr.region}.{theirs.dns_suffix}/{ecr.repository}",
            )


def tags(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    platform = spec.platform
    limit = limits.TAGS_PER_RESOURCE
    for index, tenant in enumerate(spec.tenants):
        merged = naming.tags(platform.project, platform.environment, tenant.name, platform.tags, tenant.tags)
        if len(merged) + RESOURCE_OWN_TAGS > limit:
            yield error(
                "TAGS-COUNT",
                ("tenants", index, "tags"),
                f"tenant {tenant.name!r} resources would carry {len(merged) + RESOURCE_OWN_TAGS} tags "
                f"({len(merged)} default tags plus up to {RESOURCE_OWN_TAGS} of their own); AWS allows {limit}",
                f"remove at least {len(merged) + RESOURCE_OWN_TAGS - limit} platform or tenant tags",
            )


def restore_snapshot(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    """A cluster is restored from a snapshot of its own Region only (RDS User Guide, "Copying a DB cluster
    snapshot": a snapshot is copied to another Region before it can be restored there)."""
    snapshot = spec.platform.database.restore_from
    if not snapshot or not snapshot.startswith("arn:"):
        return
    region = snapshot.split(":")[3]
    if region != spec.platform.region:
        yield error(
            "DB-RESTORE-REGION",
            (*DB, "restore_from"),
            f"the snapshot is in {region} but the platform is in {spec.platform.region}: RDS restores a cluster from "
            "a snapshot of its own Region only",
            f"copy it first: aws rds copy-db-cluster-snapshot --source-region {region} "
            f"--source-db-cluster-snapshot-identifier {snapshot} --target-db-cluster-snapshot-identifier <name> "
            f"--region {spec.platform.region}; then restore_from: <name>",
        )


def deletion_protection(spec: TenantsFile, catalog: VersionCatalog) -> Iterator[Finding]:
    if spec.platform.throwaway and spec.platform.database.deletion_protection:
        yield warning(
            "DB-DELETION-PROTECTION",
            (*DB, "deletion_protection"),
            "the environment is throwaway but the database has deletion protection: "
            "`saasctl platform destroy` will fail until it is turned off",
            "set deletion_protection: false for throwaway environments",
        )


RULES: tuple[Rule, ...] = (
    region,
    availability_zones,
    engine_version,
    instance_class,
    data_api,
    restore_snapshot,
    dns_hosts,
    parameter_family,
    derived_names,
    fleet_capacity,
    host_headers,
    elastic_ips,
    certificate,
    image_partition,
    tags,
    deletion_protection,
)


def check(spec: TenantsFile, catalog: VersionCatalog) -> list[Finding]:
    return [finding for rule in RULES for finding in rule(spec, catalog)]
