"""Live checks of each cell's ALB: priorities in use, rules and target groups per load balancer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from infra import aws_limits, naming
from saas_ctl.preflight.findings import Finding, error, info
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
    contested = [
        rule
        for index, tenant in tenants
        for rule in rules
        if int(rule["Priority"]) == (tenant.priority or 0)
        and rule_hosts(rule) != {h.lower() for h in resolve(tenant, spec).hosts}
    ]
    owners = _rule_owners(spec, ctx, contested)
    moving = {t.name: t.priority for t in spec.tenants if cells.cell_of(t) == cell}
    new = 0
    for index, tenant in tenants:
        priority = tenant.priority or 0
        wanted = {h.lower() for h in resolve(tenant, spec).hosts}
        owner = owners.get(priority)
        if priority not in hosts_at:
            new += 1
        elif hosts_at[priority] == wanted or owner == tenant.name:
            continue  # the tenant's own rule (its hosts change in place), or one that routes what it would
        elif owner in moving and moving[owner] != priority:
            # Another tenant of this file holds it and moves to another priority in the same run (its hosts may
            # move to this tenant): not a conflict, though the two updates race for the priority.
            yield info(
                "LIVE-ALB-PRIORITY-MOVES",
                ("tenants", index, "priority"),
                f"priority {priority} on ALB {name} is tenant {owner!r}'s rule, which this run moves to priority "
                f"{moving[owner]}; if tenant {tenant.name!r}'s deploy meets PriorityInUse first, deploy it again",
            )
        else:
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


def _rule_owners(spec: TenantsFile, ctx: AwsContext, rules: list[dict[str, Any]]) -> dict[int, str]:
    """The tenant of this environment that owns each of ``rules`` (by priority): its tags say so (saasctl tags every
    resource with project, environment and tenant), or it forwards to a target group of that tenant's (named for
    it: ``<project>-<tenant>-<environment>...``)."""
    if not rules:
        return {}
    platform = spec.platform
    elbv2 = ctx.client("elbv2")
    owners: dict[int, str] = {}
    by_arn = {rule["RuleArn"]: int(rule["Priority"]) for rule in rules}
    arns = list(by_arn)
    for start in range(0, len(arns), 20):  # DescribeTags takes at most 20 ARNs
        for described in elbv2.describe_tags(ResourceArns=arns[start : start + 20])["TagDescriptions"]:
            tags = {t["Key"]: t["Value"] for t in described.get("Tags", [])}
            ours = (tags.get("project"), tags.get("environment")) == (platform.project, platform.environment)
            if ours and tags.get("tenant"):
                owners[by_arn[described["ResourceArn"]]] = tags["tenant"]
    names = {
        g["TargetGroupArn"]: g["TargetGroupName"]
        for g in paginate(ctx, "elbv2", "describe_target_groups", "TargetGroups")
    }
    # A tenant's target group: <base>[-c<cell>]-<port>, whatever its port and cell (one that was shortened carries a
    # hash instead, and is known by its tags alone).
    patterns = {
        tenant.name: re.compile(
            re.escape(naming.TenantNames(platform.project, platform.environment, platform.region, tenant.name).base)
            + r"(?:-c[0-9]+)?-[0-9]+"
        )
        for tenant in spec.tenants
    }
    for rule in rules:
        priority = int(rule["Priority"])
        groups = [names.get(str(action.get("TargetGroupArn")), "") for action in rule.get("Actions", [])]
        found = [tenant for tenant, pattern in patterns.items() for g in groups if pattern.fullmatch(g)]
        if priority not in owners and found:
            owners[priority] = found[0]
    return owners


def _target_groups_of(ctx: AwsContext, arn: str) -> int:
    from botocore.exceptions import ClientError

    try:
        return len(ctx.client("elbv2").describe_target_groups(LoadBalancerArn=arn)["TargetGroups"])
    except ClientError as exc:
        if error_code(exc) == "TargetGroupNotFound":  # moto's answer for an ALB without target groups
            return 0
        raise
