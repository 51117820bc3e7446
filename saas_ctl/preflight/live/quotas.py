"""Live checks of the whole fleet against the account's quotas: load balancers, target groups, Fargate
vCPUs, services, network interfaces; rules per security group, targets per ALB, IAM roles in the account."""

from __future__ import annotations

from collections.abc import Iterator

from infra import aws_limits, naming
from saas_ctl.preflight import capacity, fleet_limits
from saas_ctl.preflight.findings import Finding, error
from saas_ctl.preflight.live.context import AwsContext, account_quota, paginate
from saas_ctl.preflight.live.names import target_group_name
from saas_ctl.spec import cells
from saas_ctl.spec.models import TenantsFile


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
    balancers = paginate(ctx, "elbv2", "describe_load_balancers", "LoadBalancers")
    others = sum(1 for b in balancers if b["LoadBalancerName"] not in ours and b.get("Type") == "application")
    value, source = account_quota(ctx, spec, aws_limits.ALBS_PER_REGION, "application_load_balancers")
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
    our_groups = {target_group_name(spec, index) for index in range(len(spec.tenants))}
    groups = paginate(ctx, "elbv2", "describe_target_groups", "TargetGroups")
    others = sum(1 for g in groups if g["TargetGroupName"] not in our_groups)
    value, source = account_quota(ctx, spec, aws_limits.TARGET_GROUPS_PER_REGION, "target_groups")
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
    value, source = account_quota(ctx, spec, aws_limits.FARGATE_ON_DEMAND_VCPUS, "fargate_on_demand_vcpus")
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
    value, source = account_quota(ctx, spec, aws_limits.SERVICES_PER_CLUSTER, "services_per_cluster")
    if fleet.tenants > value:
        yield _quota_finding(
            "LIVE-FLEET-SERVICES",
            ("tenants",),
            aws_limits.SERVICES_PER_CLUSTER,
            value,
            source,
            f"{fleet.tenants} tenants run one service each in the cluster, so {value} tenants fit",
        )
    value, source = account_quota(ctx, spec, aws_limits.NETWORK_INTERFACES_PER_REGION, "network_interfaces")
    if fleet.network_interfaces > value:
        yield _quota_finding(
            "LIVE-FLEET-NETWORK-INTERFACES",
            ("tenants",),
            aws_limits.NETWORK_INTERFACES_PER_REGION,
            value,
            source,
            f"at every tenant's autoscaling maximum the fleet uses {fleet.network_interfaces} network interfaces",
        )


def resource_quotas(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    """The per-resource quotas at the account's own values (Service Quotas): rules per security group (vpc
    L-0EA8095F), targets per ALB (elasticloadbalancing L-7E6692B2), and IAM roles (iam L-FE177D64, a global quota
    asked of us-east-1), of which the account's other roles (other environments, other regions, anything else)
    already hold some (iam:GetAccountSummary)."""
    rules, source = account_quota(ctx, spec, aws_limits.RULES_PER_SECURITY_GROUP, "rules_per_security_group")
    yield from _live(fleet_limits.security_group_rules(spec, rules, source))
    targets, source = account_quota(ctx, spec, aws_limits.TARGETS_PER_ALB, "targets_per_load_balancer")
    yield from _live(fleet_limits.targets_per_load_balancer(spec, targets, source))
    roles, source = account_quota(ctx, spec, aws_limits.IAM_ROLES_PER_ACCOUNT, "iam_roles")
    used = int(ctx.client("iam").get_account_summary()["SummaryMap"].get("Roles", 0))
    ours = _our_role_names(spec)
    existing = sum(1 for role in paginate(ctx, "iam", "list_roles", "Roles") if role["RoleName"] in ours)
    yield from _live(fleet_limits.iam_roles(spec, roles, source, others=max(used - existing, 0)))


def _our_role_names(spec: TenantsFile) -> set[str]:
    platform = spec.platform
    names: set[str] = set()
    for tenant in spec.tenants:
        tenant_names = naming.TenantNames(platform.project, platform.environment, platform.region, tenant.name)
        names.update((tenant_names.execution_role, tenant_names.task_role, *tenant_names.legacy_roles))
    return names


def _live(findings: Iterator[Finding]) -> Iterator[Finding]:
    """The offline finding under its live code (the quota is the account's)."""
    for found in findings:
        yield Finding(f"LIVE-{found.code}", found.severity, found.path, found.message, found.fix, found.line)
