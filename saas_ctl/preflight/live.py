"""Live preflight checks: read-only AWS calls that answer what no offline rule can.

Every check is independent. One that cannot run (permission denied, API not supported by the endpoint,
no network) becomes a warning naming the permission it needed, never a crash. Where one list call can
answer for every tenant, it is made once, so the number of calls does not grow with the tenants.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from infra import aws_limits, naming
from infra.addressing import nat_gateway_count
from saas_ctl.preflight import capacity
from saas_ctl.preflight.catalog import ENGINE, version_key
from saas_ctl.preflight.findings import Finding, error, info, warning
from saas_ctl.spec import cells
from saas_ctl.spec.models import Tenant, TenantsFile, resolve


@dataclass
class AwsContext:
    """boto3 clients for one region (optionally at one endpoint), counting the calls they make."""

    session: Any
    region: str
    endpoint_url: str | None = None
    calls: Counter[str] = field(default_factory=Counter)
    clients: dict[str, Any] = field(default_factory=dict)
    listed: dict[tuple[str, ...], list[Any]] = field(default_factory=dict)  # one list call serves every check

    def client(self, service: str) -> Any:
        if service not in self.clients:
            from botocore.config import Config

            # Few retries and short timeouts: preflight must answer in seconds, and a check that cannot get
            # an answer becomes a warning rather than a wait.
            config = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=20)
            client = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=config
            )
            client.meta.events.register("before-call", self._count)
            self.clients[service] = client
        return self.clients[service]

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[f"{model.service_model.service_name}:{model.name}"] += 1


@dataclass(frozen=True)
class LiveCheck:
    name: str
    permissions: tuple[str, ...]
    run: Callable[[TenantsFile, AwsContext, set[str] | None], Iterator[Finding]]


def run_checks(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None = None) -> list[Finding]:
    """Run every live check; ``deployed`` names the tenants whose stacks exist (None: not known)."""
    from botocore.exceptions import ClientError

    findings: list[Finding] = []
    for check in CHECKS:
        try:
            findings += list(check.run(spec, ctx, deployed))
        except ClientError as exc:
            findings.append(_could_not_run(check, exc.response.get("Error", {}).get("Code", "error"), str(exc)))
        except Exception as exc:  # BotoCoreError, an unparsable answer from an emulator, a network failure...
            findings.append(_could_not_run(check, type(exc).__name__, str(exc)))
    return findings


def unreachable(ctx: AwsContext) -> Finding | None:
    """Whether AWS answers at all (sts:GetCallerIdentity, which needs no permission): without an answer every
    check would fail the same way, so this is said once instead of once per check. None when it answers."""
    from botocore.exceptions import BotoCoreError, ClientError

    where = ctx.endpoint_url or f"AWS in {ctx.region}"
    try:
        ctx.client("sts").get_caller_identity()
        return None
    except ClientError as exc:
        code = _error_code(exc)
        if code in {"InvalidClientTokenId", "ExpiredToken", "UnrecognizedClientException", "SignatureDoesNotMatch"}:
            return error(
                "LIVE-CREDENTIALS",
                (),
                f"{where} refused the credentials ({code}): no live check could run",
                "renew or fix the AWS credentials (profile, environment, role), or run `saasctl preflight --offline`",
            )
        return None  # it answered; the checks say what they can and cannot see
    except BotoCoreError as exc:
        return error(
            "LIVE-UNREACHABLE",
            (),
            f"could not reach {where} ({type(exc).__name__}: {str(exc)[:160]}): no live check could run",
            "check the network, the region and --endpoint-url, or run `saasctl preflight --offline`",
        )


def _could_not_run(check: LiveCheck, code: str, detail: str) -> Finding:
    denied = code in {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException"}
    reason = f"permission denied ({code})" if denied else f"the API call failed ({code}: {detail[:160]})"
    return warning(
        "LIVE-CHECK-SKIPPED",
        (),
        f"could not check {check.name}: {reason}",
        f"this check needs {', '.join(check.permissions)}",
    )


def _paginate(ctx: AwsContext, service: str, operation: str, key: str, **kwargs: Any) -> list[Any]:
    memo = (service, operation, key, *(f"{k}={v}" for k, v in sorted(kwargs.items())))
    if memo not in ctx.listed:
        paginator = ctx.client(service).get_paginator(operation)
        ctx.listed[memo] = [item for page in paginator.paginate(**kwargs) for item in page.get(key, [])]
    return ctx.listed[memo]


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", {}) or {}
    return str(response.get("Error", {}).get("Code", ""))


# ---- database --------------------------------------------------------------------------------------------

VERSION_PATH = ("platform", "database", "engine_version")


def engine_version(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    version = spec.platform.database.engine_version
    rds = ctx.client("rds")
    found = rds.describe_db_engine_versions(Engine=ENGINE, EngineVersion=version)["DBEngineVersions"]
    if not found:
        major = version.split(".")[0]
        available = sorted(
            {
                v["EngineVersion"]
                for v in _paginate(ctx, "rds", "describe_db_engine_versions", "DBEngineVersions", Engine=ENGINE)
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
    if not rds.describe_db_engine_versions(Engine=ENGINE, EngineVersion=database.engine_version)["DBEngineVersions"]:
        return  # the version check reports it; no class is orderable for a missing version
    options = rds.describe_orderable_db_instance_options(
        Engine=ENGINE, EngineVersion=database.engine_version, DBInstanceClass=database.instance_class
    )["OrderableDBInstanceOptions"]
    if not options:
        page = rds.describe_orderable_db_instance_options(
            Engine=ENGINE, EngineVersion=database.engine_version, MaxRecords=100
        )["OrderableDBInstanceOptions"]
        classes = sorted({o["DBInstanceClass"] for o in page})
        yield error(
            "LIVE-DB-INSTANCE-CLASS",
            ("platform", "database", "instance_class"),
            f"{database.instance_class} cannot be ordered for aurora-postgresql {database.engine_version} "
            f"in {ctx.region}",
            f"orderable classes include: {', '.join(classes[:12]) or 'none listed'}",
        )


# ---- network and quotas ----------------------------------------------------------------------------------


def availability_zones(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    zones = ctx.client("ec2").describe_availability_zones(
        Filters=[{"Name": "state", "Values": ["available"]}, {"Name": "zone-type", "Values": ["availability-zone"]}]
    )["AvailabilityZones"]
    wanted = spec.platform.network.availability_zones
    if len(zones) < wanted:
        yield error(
            "LIVE-AZ",
            ("platform", "network", "availability_zones"),
            f"{ctx.region} has {len(zones)} available availability zones; the spec asks for {wanted}",
            f"use availability_zones: {len(zones)} or less",
        )


def _ours(tags: list[dict[str, str]] | None, spec: TenantsFile) -> bool:
    values = {t["Key"]: t["Value"] for t in tags or []}
    return values.get("project") == spec.platform.project and values.get("environment") == spec.platform.environment


def elastic_ips(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    network = spec.platform.network
    needed = nat_gateway_count(network.nat_gateways, network.availability_zones)
    if needed == 0:
        return
    addresses = ctx.client("ec2").describe_addresses()["Addresses"]
    ours = sum(1 for a in addresses if _ours(a.get("Tags"), spec))
    quota, _ = _account_quota(ctx, spec, aws_limits.ELASTIC_IPS_PER_REGION)
    new = max(needed - ours, 0)
    if len(addresses) + new > quota:
        yield error(
            "LIVE-EIP-QUOTA",
            ("platform", "network", "nat_gateways"),
            f"the NAT gateways need {new} more Elastic IPs; {len(addresses)} of the region's quota of {quota} "
            "are already allocated (AddressLimitExceeded)",
            "release unused Elastic IPs, request a higher quota (EC2 L-0263D0A3) or use nat_gateways: single",
        )


def vpcs(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    existing = ctx.client("ec2").describe_vpcs()["Vpcs"]
    if any(_ours(v.get("Tags"), spec) for v in existing):
        return
    quota, _ = _account_quota(ctx, spec, aws_limits.VPCS_PER_REGION)
    if len(existing) + 1 > quota:
        yield error(
            "LIVE-VPC-QUOTA",
            ("platform", "network"),
            f"{len(existing)} VPCs already exist in {ctx.region}, the quota is {quota} (VpcLimitExceeded)",
            "delete an unused VPC or request a higher quota (VPC L-F678F1CE)",
        )


# ---- the ALB's rules and target groups ------------------------------------------------------------------


def alb_rules(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    """On every deployed cell: priorities taken by other rules (PriorityInUse), and rule/target-group room."""
    elbv2 = ctx.client("elbv2")
    platform_names = naming.PlatformNames(spec.platform.project, spec.platform.environment)
    balancers = {b["LoadBalancerName"]: b for b in _paginate(ctx, "elbv2", "describe_load_balancers", "LoadBalancers")}
    limits_by_name: dict[str, int] | None = None
    in_cell: dict[int, list[tuple[int, Tenant]]] = {}
    for index, tenant in enumerate(spec.tenants):  # with its index, for the finding's path
        in_cell.setdefault(cells.cell_of(tenant), []).append((index, tenant))
    for cell, tenants in in_cell.items():
        name = platform_names.cell_load_balancer(cell)
        if name not in balancers:
            continue  # a cell not deployed yet; the offline capacity rules cover a new ALB
        if limits_by_name is None:
            limits_by_name = {limit["Name"]: int(limit["Max"]) for limit in elbv2.describe_account_limits()["Limits"]}
        yield from _cell_rules(spec, ctx, cell, name, balancers[name]["LoadBalancerArn"], tenants, limits_by_name)


def _cell_rules(
    spec: TenantsFile,
    ctx: AwsContext,
    cell: int,
    name: str,
    arn: str,
    tenants: list[tuple[int, Tenant]],
    limits_by_name: dict[str, int],
) -> Iterator[Finding]:
    elbv2 = ctx.client("elbv2")
    rules = [
        rule
        for listener in elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]
        for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
        if not rule["IsDefault"]
    ]
    hosts_at = {int(rule["Priority"]): _rule_hosts(rule) for rule in rules}
    taken = set(hosts_at) | {t.priority or 0 for _, t in tenants}
    new = 0
    for index, tenant in tenants:
        priority = tenant.priority or 0
        wanted = {h.lower() for h in resolve(tenant, spec).hosts}
        if priority not in hosts_at:
            new += 1
        elif hosts_at[priority] != wanted:
            yield error(
                "LIVE-ALB-PRIORITY",
                ("tenants", index, "priority"),
                f"priority {priority} is already used on ALB {name} by a rule for "
                f"{', '.join(sorted(hosts_at[priority])) or 'other conditions'} (PriorityInUse)",
                f"choose a free priority{' in cell ' + str(cell) if cell > 1 else ''}, for example "
                f"{cells.lowest_free_priority(taken)}",
            )
    rule_limit = limits_by_name.get("rules-per-application-load-balancer", aws_limits.ALB_RULES_PER_LOAD_BALANCER)
    if len(rules) + new > rule_limit:
        yield error(
            "LIVE-ALB-RULES",
            ("tenants",),
            f"ALB {name} (cell {cell}) has {len(rules)} rules and the spec adds {new}; its limit is {rule_limit}",
            f"request a higher '{aws_limits.RULES_PER_ALB.name}' quota ({aws_limits.RULES_PER_ALB.service} "
            f"{aws_limits.RULES_PER_ALB.code}) or move tenants to another cell",
        )
    groups = _target_groups_of(ctx, arn)
    if groups + new > aws_limits.ALB_TARGET_GROUPS_PER_LOAD_BALANCER:
        yield error(
            "LIVE-ALB-TARGET-GROUPS",
            ("tenants",),
            f"ALB {name} (cell {cell}) has {groups} target groups and the spec adds {new}; AWS allows "
            f"{aws_limits.ALB_TARGET_GROUPS_PER_LOAD_BALANCER} per load balancer (not adjustable)",
            "move tenants to another cell (`saasctl tenant move NAME --cell N`)",
        )


def _target_groups_of(ctx: AwsContext, arn: str) -> int:
    from botocore.exceptions import ClientError

    try:
        return len(ctx.client("elbv2").describe_target_groups(LoadBalancerArn=arn)["TargetGroups"])
    except ClientError as exc:
        if _error_code(exc) == "TargetGroupNotFound":  # moto's answer for an ALB without target groups
            return 0
        raise


# ---- the fleet against the account's quotas ----------------------------------------------------------------


def _account_quota(
    ctx: AwsContext, spec: TenantsFile, quota: aws_limits.Quota, field: str | None = None
) -> tuple[int, str]:
    """The account's applied value of ``quota``; else the one the spec declares in ``platform.quotas.<field>``
    (when it has such a field); else AWS's default; with where the value came from."""
    from botocore.exceptions import BotoCoreError, ClientError

    quotas = ctx.client("service-quotas")
    try:
        value = quotas.get_service_quota(ServiceCode=quota.service, QuotaCode=quota.code)["Quota"]["Value"]
        return int(value), "your account's quota"
    except ClientError as exc:
        if _error_code(exc) != "NoSuchResourceException":
            raise
    declared = getattr(spec.platform.quotas, field) if field else None
    if declared is not None:
        return int(declared), f"platform.quotas.{field}"
    try:
        value = quotas.get_aws_default_service_quota(ServiceCode=quota.service, QuotaCode=quota.code)["Quota"]["Value"]
        return int(value), "AWS's default"
    except (ClientError, BotoCoreError):
        return quota.default, "AWS's documented default"


def _quota_finding(
    code: str, path: tuple[str | int, ...], quota: aws_limits.Quota, value: int, source: str, needed: str
) -> Finding:
    return error(
        code,
        path,
        f"{needed}; {quota.name} is {value} ({source})",
        f"request a higher quota ({quota.service} {quota.code}) or shrink the fleet",
    )


def load_balancing_capacity(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    """ALBs and target groups in the region: the account's other ones count against the same quotas."""
    cell_count = cells.cell_count(spec)
    tenant_count = len(spec.tenants)
    platform_names = naming.PlatformNames(spec.platform.project, spec.platform.environment)
    ours = {platform_names.cell_load_balancer(cell) for cell in range(1, cell_count + 1)}
    balancers = _paginate(ctx, "elbv2", "describe_load_balancers", "LoadBalancers")
    others = sum(1 for b in balancers if b["LoadBalancerName"] not in ours and b.get("Type") == "application")
    value, source = _account_quota(ctx, spec, aws_limits.ALBS_PER_REGION, "application_load_balancers")
    if others + cell_count > value:
        yield _quota_finding(
            "LIVE-FLEET-ALBS",
            ("platform", "load_balancer"),
            aws_limits.ALBS_PER_REGION,
            value,
            source,
            f"{others} other ALBs are in {ctx.region} and the fleet runs {cell_count} cells, so "
            f"{max(value - others, 0)} cells fit",
        )
    our_groups = {_target_group(spec, index) for index in range(len(spec.tenants))}
    groups = _paginate(ctx, "elbv2", "describe_target_groups", "TargetGroups")
    others = sum(1 for g in groups if g["TargetGroupName"] not in our_groups)
    value, source = _account_quota(ctx, spec, aws_limits.TARGET_GROUPS_PER_REGION, "target_groups")
    if others + tenant_count > value:
        yield _quota_finding(
            "LIVE-FLEET-TARGET-GROUPS",
            ("tenants",),
            aws_limits.TARGET_GROUPS_PER_REGION,
            value,
            source,
            f"{others} other target groups are in {ctx.region} and the {tenant_count} tenants need one each, so "
            f"{max(value - others, 0)} tenants fit",
        )


def compute_capacity(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    """Fargate vCPUs at every tenant's maximum, services in the cluster, network interfaces (the account's other
    workloads are not counted: Service Quotas gives the limit, not what else runs)."""
    fleet = capacity.demand(spec)
    value, source = _account_quota(ctx, spec, aws_limits.FARGATE_ON_DEMAND_VCPUS, "fargate_on_demand_vcpus")
    if fleet.vcpus > value:
        each = fleet.per_tenant(fleet.vcpus)
        yield _quota_finding(
            "LIVE-FLEET-FARGATE-VCPU",
            ("tenants",),
            aws_limits.FARGATE_ON_DEMAND_VCPUS,
            value,
            source,
            f"at every tenant's autoscaling maximum the fleet runs {fleet.tasks} tasks with {fleet.vcpus:g} vCPUs, "
            f"so about {int(value // each) if each else 0} tenants of this average size fit",
        )
    value, source = _account_quota(ctx, spec, aws_limits.SERVICES_PER_CLUSTER, "services_per_cluster")
    if fleet.tenants > value:
        yield _quota_finding(
            "LIVE-FLEET-SERVICES",
            ("tenants",),
            aws_limits.SERVICES_PER_CLUSTER,
            value,
            source,
            f"{fleet.tenants} tenants run one service each in the cluster, so {value} tenants fit",
        )
    value, source = _account_quota(ctx, spec, aws_limits.NETWORK_INTERFACES_PER_REGION, "network_interfaces")
    if fleet.network_interfaces > value:
        yield _quota_finding(
            "LIVE-FLEET-NETWORK-INTERFACES",
            ("tenants",),
            aws_limits.NETWORK_INTERFACES_PER_REGION,
            value,
            source,
            f"at every tenant's autoscaling maximum the fleet uses {fleet.network_interfaces} network interfaces",
        )


def _target_group(spec: TenantsFile, index: int) -> str:
    tenant = resolve(spec.tenants[index], spec)
    names = naming.TenantNames(spec.platform.project, spec.platform.environment, spec.platform.region, tenant.name)
    return names.target_group(tenant.container_port, tenant.cell)


def _rule_hosts(rule: dict[str, Any]) -> set[str]:
    hosts: set[str] = set()
    for condition in rule.get("Conditions", []):
        if condition.get("Field") == "host-header":
            config = condition.get("HostHeaderConfig", {})
            hosts.update(h.lower() for h in config.get("Values", condition.get("Values", [])))
    return hosts


# ---- certificate -----------------------------------------------------------------------------------------


def covers(pattern: str, host: str) -> bool:
    """Whether a certificate name covers ``host``: exact, or a wildcard for exactly one leftmost label."""
    pattern, host = pattern.lower(), host.lower()
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and "*" not in head and rest == pattern[2:]
    return pattern == host


def certificate(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    arn = spec.platform.load_balancer.certificate_arn
    if arn is None:
        return
    path = ("platform", "load_balancer", "certificate_arn")
    try:
        cert = ctx.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    except Exception as exc:
        if _error_code(exc) == "ResourceNotFoundException":
            yield error(
                "LIVE-CERT-MISSING",
                path,
                f"certificate {arn} does not exist in {ctx.region}",
                "check the ARN and that the certificate is in the ALB's region",
            )
            return
        raise
    if cert.get("Status") != "ISSUED":
        yield error(
            "LIVE-CERT-STATUS",
            path,
            f"certificate {arn} is {cert.get('Status')}, not ISSUED",
            "complete the certificate's validation before deploying",
        )
    names = [cert.get("DomainName", ""), *cert.get("SubjectAlternativeNames", [])]
    for index, tenant in enumerate(spec.tenants):
        for position, host in enumerate(resolve(tenant, spec).hosts):
            if not any(covers(name, host) for name in names):
                yield error(
                    "LIVE-CERT-HOSTS",
                    ("tenants", index, "hosts", position) if tenant.hosts else ("tenants", index, "name"),
                    f"host {host} of tenant {tenant.name!r} is not covered by the certificate "
                    f"(it covers {', '.join(sorted(set(names)))})",
                    "add the host to the certificate or choose a host it covers",
                )


# ---- names taken or left over ----------------------------------------------------------------------------


def _tenant_names(spec: TenantsFile) -> list[tuple[int, naming.TenantNames]]:
    p = spec.platform
    return [(i, naming.TenantNames(p.project, p.environment, p.region, t.name)) for i, t in enumerate(spec.tenants)]


def _leftover(code: str, index: int, tenant: str, what: str, deployed: set[str] | None, fix: str) -> Finding | None:
    if deployed is not None and tenant in deployed:
        return None
    message = f"{what} already exists"
    if deployed is None:
        message += f"; if tenant {tenant!r} is not deployed it is left over from an earlier run and would collide"
        return warning(code, ("tenants", index, "name"), message, fix)
    return error(
        code,
        ("tenants", index, "name"),
        message + f" but tenant {tenant!r} is not deployed: creating it would fail (already exists)",
        fix,
    )


def _kept_or_conflict(
    code: str,
    index: int,
    spec: TenantsFile,
    tenant: str,
    what: str,
    tags: dict[str, str],
    delete: str,
    deployed: set[str] | None,
) -> Finding:
    """A tenant's bucket or secret that exists before its stack does: its own kept data (from `tenant destroy`),
    which the deploy adopts, or something else under its name, which would make the create fail."""
    from saas_ctl.adoption import Owner

    wrong = Owner.of(spec, tenant).mismatch(tags)
    if wrong is None:
        if deployed is None:  # its stack may exist: then this is simply its own resource
            message = (
                f"{what} is tenant {tenant!r}'s own: its deployed resource, or kept data (from an earlier "
                "`tenant destroy`), which deploying adopts if its stack does not exist"
            )
        else:
            message = (
                f"{what} is tenant {tenant!r}'s kept data (from an earlier `tenant destroy`); deploying adopts it "
                "(Pulumi import) instead of creating it"
            )
        return info(f"{code}-KEPT", ("tenants", index, "name"), message)
    return error(
        f"{code}-EXISTS",
        ("tenants", index, "name"),
        f"{what} already exists but is not tenant {tenant!r}'s kept data ({wrong}): creating it would fail "
        "(already exists)",
        f"delete it if it is not needed: {delete}; otherwise rename the tenant",
    )


def hosted_zone(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    """platform.dns names a public hosted zone that exists, and (given by ID) contains every tenant host."""
    from botocore.exceptions import ClientError

    from saas_ctl.preflight.offline import in_zone

    dns = spec.platform.dns
    if dns is None:
        return
    route53 = ctx.client("route53")
    path = ("platform", "dns")
    if dns.zone_id:
        try:
            zone = route53.get_hosted_zone(Id=dns.zone_id)["HostedZone"]
        except ClientError as exc:
            if _error_code(exc) != "NoSuchHostedZone":
                raise
            yield error("DNS-ZONE", path, f"hosted zone {dns.zone_id} does not exist", "check platform.dns.zone_id")
            return
    else:
        zones = route53.list_hosted_zones_by_name(DNSName=str(dns.zone_name), MaxItems="1")["HostedZones"]
        wanted = str(dns.zone_name).rstrip(".") + "."
        zone = next((z for z in zones if z["Name"] == wanted and not z["Config"].get("PrivateZone")), None)
        if zone is None:
            yield error(
                "DNS-ZONE",
                path,
                f"there is no public hosted zone {dns.zone_name} in this account",
                "create it or fix the name",
            )
            return
    if zone.get("Config", {}).get("PrivateZone"):
        yield error("DNS-ZONE", path, f"hosted zone {zone['Name']} is private: the internet could not resolve tenants")
        return
    for index, tenant in enumerate(spec.tenants):
        for host in resolve(tenant, spec).hosts:
            if not in_zone(host, zone["Name"]):
                yield error(
                    "DNS-HOST-OUTSIDE-ZONE",
                    ("tenants", index, "name"),
                    f"host {host} of tenant {tenant.name!r} is not inside the hosted zone {zone['Name'].rstrip('.')}",
                )


def buckets(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    from botocore.exceptions import ClientError

    from saas_ctl.adoption import bucket_tags

    s3 = ctx.client("s3")
    ours = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for index, names in _tenant_names(spec):
        bucket = names.bucket
        if bucket in ours:
            if deployed is not None and names.tenant in deployed:
                continue
            yield _kept_or_conflict(
                "LIVE-BUCKET",
                index,
                spec,
                names.tenant,
                f"bucket {bucket}",
                bucket_tags(s3, bucket),
                f"aws s3 rb s3://{bucket} --force",
                deployed,
            )
            continue
        try:
            s3.head_bucket(Bucket=bucket)
            status = 200
        except ClientError as exc:
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
            if status not in (403, 404):
                raise
        if status != 404:  # 403: another account owns it; 200 but not listed as ours: the same
            yield error(
                "LIVE-BUCKET-TAKEN",
                ("tenants", index, "name"),
                f"bucket name {bucket} is owned by another AWS account (BucketAlreadyExists)",
                "bucket names are global: change the project, environment or tenant name",
            )


def secrets(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    prefix = f"{spec.platform.project}-{spec.platform.environment}/"
    listed = _paginate(
        ctx,
        "secretsmanager",
        "list_secrets",
        "SecretList",
        IncludePlannedDeletion=True,
        Filters=[{"Key": "name", "Values": [prefix]}],
    )
    by_name = {s["Name"]: s for s in listed}
    for index, names in _tenant_names(spec):
        secret = by_name.get(names.secret)
        if secret is None:
            continue
        if secret.get("DeletedDate"):
            yield error(
                "LIVE-SECRET-PENDING-DELETION",
                ("tenants", index, "name"),
                f"secret {names.secret} is scheduled for deletion; creating it would fail ('a secret with "
                "this name is already scheduled for deletion')",
                f"restore it: aws secretsmanager restore-secret --secret-id {names.secret}  (or delete it "
                f"now: aws secretsmanager delete-secret --secret-id {names.secret} "
                "--force-delete-without-recovery)",
            )
            continue
        if deployed is not None and names.tenant in deployed:
            continue
        yield _kept_or_conflict(
            "LIVE-SECRET",
            index,
            spec,
            names.tenant,
            f"secret {names.secret}",
            {t["Key"]: t["Value"] for t in secret.get("Tags", [])},
            f"aws secretsmanager delete-secret --secret-id {names.secret} --force-delete-without-recovery",
            deployed,
        )


def leftovers(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    p = spec.platform
    log_groups = {
        g["logGroupName"]
        for g in _paginate(
            ctx, "logs", "describe_log_groups", "logGroups", logGroupNamePrefix=f"/saasctl/{p.project}-{p.environment}/"
        )
    }
    roles = {r["RoleName"] for r in _paginate(ctx, "iam", "list_roles", "Roles")}
    groups = {g["TargetGroupName"] for g in _paginate(ctx, "elbv2", "describe_target_groups", "TargetGroups")}
    for index, names in _tenant_names(spec):
        target_group = _target_group(spec, index)
        candidates = [
            (
                names.log_group in log_groups,
                f"log group {names.log_group}",
                f"aws logs delete-log-group --log-group-name {names.log_group}",
            ),
            (
                names.execution_role in roles,
                f"IAM role {names.execution_role}",
                f"aws iam delete-role --role-name {names.execution_role} (after deleting its policies)",
            ),
            (
                names.task_role in roles,
                f"IAM role {names.task_role}",
                f"aws iam delete-role --role-name {names.task_role} (after deleting its policies)",
            ),
            (
                target_group in groups,
                f"target group {target_group}",
                f"aws elbv2 delete-target-group --target-group-arn <arn of {target_group}>",
            ),
        ]
        for exists, what, command in candidates:
            found = (
                _leftover("LIVE-LEFTOVER", index, names.tenant, what, deployed, f"delete it: {command}")
                if exists
                else None
            )
            if found:
                yield found


CHECKS: tuple[LiveCheck, ...] = (
    LiveCheck("the Aurora engine version", ("rds:DescribeDBEngineVersions",), engine_version),
    LiveCheck(
        "the database instance class",
        ("rds:DescribeDBEngineVersions", "rds:DescribeOrderableDBInstanceOptions"),
        instance_class,
    ),
    LiveCheck("availability zones", ("ec2:DescribeAvailabilityZones",), availability_zones),
    LiveCheck("Elastic IP headroom", ("ec2:DescribeAddresses", "servicequotas:GetServiceQuota"), elastic_ips),
    LiveCheck("VPC headroom", ("ec2:DescribeVpcs", "servicequotas:GetServiceQuota"), vpcs),
    LiveCheck(
        "the ALB's rules and target groups",
        (
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeAccountLimits",
            "elasticloadbalancing:DescribeTargetGroups",
        ),
        alb_rules,
    ),
    LiveCheck(
        "load balancers and target groups in the region",
        (
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeTargetGroups",
            "servicequotas:GetServiceQuota",
        ),
        load_balancing_capacity,
    ),
    LiveCheck("Fargate, ECS and network interface quotas", ("servicequotas:GetServiceQuota",), compute_capacity),
    LiveCheck("the certificate", ("acm:DescribeCertificate",), certificate),
    LiveCheck("the hosted zone", ("route53:GetHostedZone", "route53:ListHostedZonesByName"), hosted_zone),
    LiveCheck("bucket names", ("s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetBucketTagging"), buckets),
    LiveCheck("secret names", ("secretsmanager:ListSecrets",), secrets),
    LiveCheck(
        "leftover resources",
        ("logs:DescribeLogGroups", "iam:ListRoles", "elasticloadbalancing:DescribeTargetGroups"),
        leftovers,
    ),
)
