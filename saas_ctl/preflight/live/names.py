"""The AWS names and ALB rule hosts the checks compare with what AWS has."""

from __future__ import annotations

from typing import Any

from infra import naming
from saas_ctl.spec.models import TenantsFile, resolve


def target_group_name(spec: TenantsFile, index: int) -> str:
    tenant = resolve(spec.tenants[index], spec)
    names = naming.TenantNames(spec.platform.project, spec.platform.environment, spec.platform.region, tenant.name)
    return names.target_group(tenant.container_port, tenant.cell)


def rule_hosts(rule: dict[str, Any]) -> set[str]:
    hosts: set[str] = set()
    for condition in rule.get("Conditions", []):
        if condition.get("Field") == "host-header":
            config = condition.get("HostHeaderConfig", {})
            hosts.update(h.lower() for h in config.get("Values", condition.get("Values", [])))
    return hosts
