"""Live checks of each cell's ALB: priorities in use, rules and target groups per load balancer."""

from __future__ import annotations

from collections.abc import Iterator

from infra import aws_limits, naming
from saas_ctl.preflight.findings import Finding, error
from saas_ctl.preflight.live.context import AwsContext, error_code, paginate
from saas_ctl.preflight.live.names import rule_hosts
from saas_ctl.spec import cells
from saas_ctl.spec.models import Tenant, TenantsFile, resolve


def alb_rules(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    """On every deployed cell: priorities taken by other rules (PriorityInUse), and rule/target-group room."""
    elbv2 = ctx.client("elbv2")
    platform_names = naming.PlatformNames(spec.platform.project, spec.platform.environment)
    balancers = {b["LoadBalancerName"]: b for b in paginate(ctx, "elbv2", "describe_load_balancers", "LoadBalancers")}
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
    hosts_at = {int(rule["Priority"]): rule_hosts(rule) for rule in rules}
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
        if error_code(exc) == "TargetGroupNotFound":  # moto's answer for an ALB without target groups
            return 0
        raise
