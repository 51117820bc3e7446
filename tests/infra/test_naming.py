"""Names and tags come from one place and fit AWS's limits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore
from hypothesis import given
from hypothesis import strategies as st

from infra import aws_limits as limits
from infra.addressing import plan_subnets
from infra.naming import (
    GENERATION_EXAMPLE,
    PlatformNames,
    TenantNames,
    base36_hash,
    fit,
    fit_unique,
    max_tenant_name_length,
    region_code,
    stable_hash,
    tags,
)


def test_fit_keeps_names_that_fit() -> None:
    assert fit("saas-acme-dev", 32) == "saas-acme-dev"


def test_fit_shortens_to_a_prefix_and_a_stable_hash() -> None:
    name = "saas-" + "x" * 40 + "-dev"
    assert fit(name, 32) == f"saas-{'x' * 20}-{stable_hash(name)}"
    assert len(fit(name, 32)) == 32


def test_fit_never_leaves_a_hyphen_before_the_hash() -> None:
    assert fit("a" * 25 + "-" * 10, 32) == "a" * 25 + "-" + stable_hash("a" * 25 + "-" * 10)


def test_fit_unique_keeps_names_that_fit() -> None:
    assert fit_unique("saas-acme-dev-80", 32) == "saas-acme-dev-80"


def test_fit_unique_shortens_to_a_19_character_prefix_and_12_base36_characters() -> None:
    name = "saas-" + "x" * 40 + "-dev-80"
    assert fit_unique(name, 32) == f"saas-{'x' * 14}-{base36_hash(name)}"
    assert re.fullmatch(r"saas-x{14}-[0-9a-z]{12}", fit_unique(name, 32))


def test_a_target_group_name_that_fits_is_the_one_saasctl_always_gave_it() -> None:
    assert TenantNames("saas", "prod", "us-east-1", "acme").target_group(8080, 3) == "saas-acme-prod-c3-8080"


def test_a_shortened_target_group_name_carries_the_longer_hash() -> None:
    tenant = "customer-" + "x" * 30
    assert TenantNames("saas", "dev", "us-east-1", tenant).target_group(80) == (
        f"saas-customer-xxxxx-{base36_hash(f'saas-{tenant}-dev-80')}"
    )


def test_twenty_thousand_tenants_sharing_a_long_prefix_get_distinct_target_groups() -> None:
    names = {
        TenantNames("marketplace", "production", "us-east-1", f"customer-account-{i:06d}").target_group(8080)
        for i in range(20_000)
    }
    assert len(names) == 20_000


@given(st.from_regex(r"[a-z][a-z0-9-]{0,43}[a-z0-9]", fullmatch=True), st.integers(1, 65535), st.integers(1, 1000))
def test_no_target_group_name_equals_one_an_earlier_release_gave_or_one_that_fits(
    tenant: str, port: int, cell: int
) -> None:
    # A name that fits is kept: it ends in -<port>, a hyphen at most 6 from the end. Earlier releases shortened
    # with fit(): a hyphen exactly 7 from the end. Now a shortened name has none in its last 12 characters.
    full = f"saas-{tenant}-dev{'' if cell == 1 else f'-c{cell}'}-{port}"
    name = TenantNames("saas", "dev", "us-east-1", tenant).target_group(port, cell)
    legacy = fit(full, 32)
    if len(full) <= 32:
        assert name == full == legacy and "-" in name[-6:]
    else:
        assert name[-13] == "-" and "-" not in name[-12:]
        assert legacy[-7] == "-" and "-" not in legacy[-6:]


def test_a_cell_whose_short_name_would_repeat_an_earlier_cells_takes_the_longer_hash() -> None:
    # Found by search: with fit()'s 6-character hash, cells 14 and 48 of this environment share a name.
    names = PlatformNames("marketplace-00026910", "production-euw1")
    legacy = fit("marketplace-00026910-production-euw1-alb-48", 32)
    assert names.cell_load_balancer(14) == legacy == "marketplace-00026910-prod-1a5d3e"
    assert names.cell_load_balancer(48) == fit_unique("marketplace-00026910-production-euw1-alb-48", 32)


def test_cells_keep_their_names_when_no_earlier_cell_shares_them() -> None:
    names = PlatformNames("marketplace-00026910", "production-euw1")
    assert [names.cell_load_balancer(c) for c in (1, 2, 47)] == [
        fit(f"marketplace-00026910-production-euw1-alb{suffix}", 32) for suffix in ("", "-2", "-47")
    ]


def test_tenant_names_carry_project_tenant_and_environment() -> None:
    names = TenantNames("saas", "prod", "eu-west-1", "acme")
    assert (names.base, names.execution_role, names.task_role, names.log_group, names.secret, names.database_user) == (
        "saas-acme-prod",
        f"saas-acme-prod-exec-{region_code('eu-west-1')}",
        f"saas-acme-prod-task-{region_code('eu-west-1')}",
        "/saasctl/saas-prod/acme",
        "saas-prod/acme/app",
        "tenant_acme",
    )


def test_role_names_of_one_tenant_in_two_regions_of_one_account_differ() -> None:
    east, west = (TenantNames("saas", "prod", region, "acme") for region in ("us-east-1", "eu-west-1"))
    assert (east.execution_role, east.task_role) == ("saas-acme-prod-exec-nkmp", "saas-acme-prod-task-nkmp")
    assert {east.execution_role, east.task_role}.isdisjoint({west.execution_role, west.task_role})


def test_no_two_regions_botocore_knows_share_a_region_code() -> None:
    data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())
    regions = [region for partition in data["partitions"] for region in partition["regions"]]
    assert len(regions) > 50
    assert len({region_code(region) for region in regions}) == len(regions)


def test_names_given_before_the_region_and_account_were_part_of_them_are_kept_as_legacy_names() -> None:
    names = TenantNames("saas", "prod", "eu-west-1", "acme", "111122223333")
    assert names.legacy_roles == ("saas-acme-prod-exec", "saas-acme-prod-task")
    assert names.legacy_bucket == f"saas-acme-prod-{stable_hash('saas', 'eu-west-1', 'prod', 'acme', length=8)}"


def test_bucket_name_differs_per_region_environment_and_account() -> None:
    buckets = {
        TenantNames("saas", env, region, "acme", account).bucket
        for env in ("dev", "prod")
        for region in ("us-east-1", "eu-west-1")
        for account in ("111122223333", "444455556666")
    }
    assert len(buckets) == 8


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
