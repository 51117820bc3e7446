"""Tiers: named presets between the defaults and a tenant's own values, and where each effective value came from."""

from __future__ import annotations

from saas_ctl.spec.models import resolve, resolve_with_sources
from tests.conftest import MINIMAL, spec_of
from tests.spec.test_loader import issues_of

TIERED = MINIMAL.replace(
    "tenants:\n  - name: acme\n    priority: 10\n",
    """\
tiers:
  business:
    cpu: 1024
    memory: 2048
    desired_count: 2
    autoscaling: {max: 8}
    environment: {PLAN: business, SUPPORT: email}
    log_retention_days: 90
tenants:
  - name: acme
    priority: 10
    tier: business
    memory: 4096
    environment: {SUPPORT: phone}
""",
)


def test_a_tenant_with_a_tier_and_one_override_gets_the_override_the_tiers_values_and_the_defaults_rest() -> None:
    spec = spec_of(TIERED)
    acme = resolve(spec.tenants[0], spec)
    assert (acme.cpu, acme.memory, acme.desired_count, acme.image) == (
        1024,
        4096,
        2,
        "public.ecr.aws/nginx/nginx:stable",
    )
    assert (acme.autoscaling.min, acme.autoscaling.max, acme.autoscaling.cpu_target) == (1, 8, 60)
    assert acme.environment == {"PLAN": "business", "SUPPORT": "phone"}
    assert (acme.log_retention_days, acme.tier) == (90, "business")


def test_each_effective_value_names_where_it_came_from() -> None:
    spec = spec_of(TIERED)
    _, sources = resolve_with_sources(spec.tenants[0], spec)
    assert {key: sources[key] for key in ("cpu", "memory", "image", "desired_count", "log_retention_days")} == {
        "cpu": "tier",
        "memory": "tenant",
        "image": "defaults",
        "desired_count": "tier",
        "log_retention_days": "tier",
    }
    assert (sources["autoscaling.max"], sources["autoscaling.min"]) == ("tier", "defaults")
    assert (sources["environment.PLAN"], sources["environment.SUPPORT"]) == ("tier", "tenant")


def test_without_a_tier_log_retention_comes_from_the_platform() -> None:
    spec = spec_of(MINIMAL)
    effective, sources = resolve_with_sources(spec.tenants[0], spec)
    assert (effective.log_retention_days, sources["log_retention_days"]) == (30, "platform")


def test_an_unknown_tier_is_an_error_at_its_line() -> None:
    text = TIERED.replace("    tier: business\n    memory: 4096\n", "    tier: gold\n")
    assert [str(issue) for issue in issues_of(text)] == [
        "t.yaml:22: tenants[0].tier: tier 'gold' is not one of the file's tiers; tiers: business"
    ]


def test_a_tiers_sizing_follows_the_fargate_rules_at_its_line() -> None:
    text = TIERED.replace("    memory: 2048\n", "    memory: 1000\n")
    messages = [str(issue) for issue in issues_of(text)]
    assert messages[0] == (
        "t.yaml:14: tiers.business.memory: memory 1000 is not valid with cpu 1024 on Fargate; valid: 2048, 3072, "
        "4096, 5120, 6144, 7168, 8192; the nearest is 2048"
    )


def test_a_tenant_of_a_tier_is_checked_with_the_tiers_values() -> None:
    text = TIERED.replace("    memory: 4096\n", "    cpu: 4096\n")
    assert [str(issue) for issue in issues_of(text)] == [
        "t.yaml:20: tenants[0].memory: memory 2048 is not valid with cpu 4096 on Fargate; valid: 8192-30720 in "
        "steps of 1024; the nearest is 8192"
    ]


def test_a_tiers_tags_sit_between_the_platforms_and_the_tenants() -> None:
    text = TIERED.replace(
        "    log_retention_days: 90\n", "    log_retention_days: 90\n    tags: {plan: business, sla: gold}\n"
    )
    text = text.replace(
        "    environment: {SUPPORT: phone}\n", "    environment: {SUPPORT: phone}\n    tags: {sla: platinum}\n"
    )
    spec = spec_of(text)
    assert resolve(spec.tenants[0], spec).tags == {"plan": "business", "sla": "platinum"}


def test_a_tier_may_not_set_a_tag_saasctl_sets() -> None:
    text = TIERED.replace("    log_retention_days: 90\n", "    log_retention_days: 90\n    tags: {tenant: x}\n")
    assert any(
        "tiers.business.tags.tenant: tag key 'tenant' is set by saasctl itself" in str(i) for i in issues_of(text)
    )


def test_preflights_fleet_demand_counts_a_tenant_at_its_tiers_size_and_maximum() -> None:
    from saas_ctl.preflight import capacity

    # acme: cpu 1024 and autoscaling max 8 from its tier business (its own memory 4096)
    assert (capacity.demand(spec_of(TIERED)).tasks, capacity.demand(spec_of(TIERED)).vcpus) == (8, 8.0)


def test_a_tier_cannot_be_called_none() -> None:
    text = TIERED.replace("  business:\n", "  none:\n").replace("tier: business", "tier: none")
    assert "t.yaml:12: tiers.none: a tier cannot be called 'none'" in str(issues_of(text)[0])
