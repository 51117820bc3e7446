"""Names and tags come from one place and fit AWS's limits."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from infra import aws_limits as limits
from infra.addressing import plan_subnets
from infra.naming import GENERATION_EXAMPLE, PlatformNames, TenantNames, fit, max_tenant_name_length, stable_hash, tags


def test_fit_keeps_names_that_fit() -> None:
    assert fit("saas-acme-dev", 32) == "saas-acme-dev"


def test_fit_shortens_to_a_prefix_and_a_stable_hash() -> None:
    name = "saas-" + "x" * 40 + "-dev"
    assert fit(name, 32) == f"saas-{'x' * 20}-{stable_hash(name)}"
    assert len(fit(name, 32)) == 32


def test_fit_never_leaves_a_hyphen_before_the_hash() -> None:
    assert fit("a" * 25 + "-" * 10, 32) == "a" * 25 + "-" + stable_hash("a" * 25 + "-" * 10)


def test_shortened_names_of_different_tenants_differ() -> None:
    long_a, long_b = "t" * 40 + "a", "t" * 40 + "b"
    assert TenantNames("saas", "dev", "us-east-1", long_a).target_group(80) != TenantNames(
        "saas", "dev", "us-east-1", long_b
    ).target_group(80)


def test_tenant_names_carry_project_tenant_and_environment() -> None:
    names = TenantNames("saas", "prod", "eu-west-1", "acme")
    assert (names.base, names.execution_role, names.task_role, names.log_group, names.secret, names.database_user) == (
        "saas-acme-prod",
        "saas-acme-prod-exec",
        "saas-acme-prod-task",
        "/saasctl/saas-prod/acme",
        "saas-prod/acme/app",
        "tenant_acme",
    )


def test_bucket_name_differs_per_region_and_environment() -> None:
    buckets = {
        TenantNames("saas", env, region, "acme").bucket
        for env in ("dev", "prod")
        for region in ("us-east-1", "eu-west-1")
    }
    assert len(buckets) == 4


def test_max_tenant_name_length_is_set_by_the_bucket_name() -> None:
    assert max_tenant_name_length("saas", "dev", "us-east-1") == 63 - len("saas--dev-") - 8


def test_max_tenant_name_length_shrinks_with_longer_project_and_environment() -> None:
    assert max_tenant_name_length("p" * 20, "e" * 16, "us-east-1") == 63 - 20 - 16 - 3 - 8


@given(
    project=st.from_regex(r"[a-z][a-z0-9]{0,19}", fullmatch=True),
    environment=st.from_regex(r"[a-z][a-z0-9]{0,15}", fullmatch=True),
    data=st.data(),
)
def test_every_name_of_the_longest_tenant_fits_its_rule(project: str, environment: str, data: st.DataObject) -> None:
    length = max_tenant_name_length(project, environment, "us-east-1")
    tenant = data.draw(st.from_regex(rf"[a-z][a-z0-9-]{{{length - 2}}}[a-z0-9]", fullmatch=True))
    names = TenantNames(project, environment, "us-east-1", tenant)
    platform = PlatformNames(project, environment)
    for value, rule in (
        (names.bucket, limits.S3_BUCKET),
        (names.target_group(65535), limits.TARGET_GROUP),
        (names.execution_role, limits.IAM_ROLE),
        (names.task_role, limits.IAM_ROLE),
        (names.log_group, limits.LOG_GROUP),
        (names.secret, limits.SECRET),
        (names.ecs_service, limits.ECS_NAME),
        (platform.load_balancer, limits.LOAD_BALANCER),
        (platform.db_cluster_identifier, limits.RDS_IDENTIFIER),
        (platform.db_final_snapshot_identifier(GENERATION_EXAMPLE), limits.RDS_IDENTIFIER),
    ):
        assert len(value) <= rule.max_length and re.fullmatch(rule.pattern, value), (rule.kind, value)


def test_generated_tags_override_user_tags() -> None:
    assert tags("saas", "dev", "acme", {"tenant": "spoofed", "team": "a"}, {"team": "b"}) == {
        "tenant": "acme",
        "team": "b",
        "project": "saas",
        "environment": "dev",
        "managed-by": "saasctl",
    }


def test_subnets_are_carved_in_address_order_public_first() -> None:
    plan = plan_subnets("10.1.0.0/24", 3)
    assert plan.public == ("10.1.0.0/27", "10.1.0.32/27", "10.1.0.64/27")
    assert plan.private == ("10.1.0.96/27", "10.1.0.128/27", "10.1.0.160/27")
