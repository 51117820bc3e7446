"""Values AWS would refuse at deploy time (or that would break on their way to it) are refused by `validate`, each
at its line, with what is wrong and what is valid."""

from __future__ import annotations

import pytest

from infra import naming
from saas_ctl.errors import SpecError
from saas_ctl.spec.loader import load_bytes
from tests.conftest import MINIMAL


def only(text: str) -> str:
    with pytest.raises(SpecError) as refused:
        load_bytes(text.encode(), "t.yaml")
    [issue] = refused.value.issues
    return str(issue)


def accepted(text: str) -> None:
    load_bytes(text.encode(), "t.yaml")


def with_tenants(*entries: str) -> str:
    return MINIMAL.split("tenants:")[0] + "tenants:\n" + "".join(entries)


def with_certificate(arn: str) -> str:
    return MINIMAL.replace("  database:", f"  load_balancer: {{certificate_arn: '{arn}'}}\n  database:")


# Digits of another script (ARABIC-INDIC DIGIT ZERO..NINE), which Python's \d matches and AWS never reads as digits.
def other_digits(ascii_digits: str) -> str:
    return "".join(chr(0x0660 + int(d)) for d in ascii_digits)


ACCOUNT = other_digits("123456789012")


def with_platform_tags(tags: str) -> str:
    return MINIMAL.replace("  database:", f"  tags: {{{tags}}}\n  database:")


# ---- ARNs and Regions: ASCII digits, the partition of the Region --------------------------------------------------


def test_a_certificate_arn_with_other_scripts_digits_is_refused() -> None:
    assert only(with_certificate(f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/abc")) == (
        "t.yaml:6: platform.load_balancer.certificate_arn: must be an ACM certificate ARN: "
        f"arn:aws:acm:<region>:<account>:certificate/<id> (got 'arn:aws:acm:us-east-1:{ACCOUNT}:certificate/abc')"
    )


def test_a_govcloud_certificate_arn_must_name_the_govcloud_partition() -> None:
    assert only(with_certificate("arn:aws:acm:us-gov-west-1:123456789012:certificate/abc")) == (
        "t.yaml:6: platform.load_balancer.certificate_arn: the ARN names partition 'aws', but us-gov-west-1 is in "
        "partition aws-us-gov: arn:aws-us-gov:acm:us-gov-west-1:<account>:certificate/<id> "
        "(got 'arn:aws:acm:us-gov-west-1:123456789012:certificate/abc')"
    )


def test_a_commercial_certificate_arn_may_not_name_the_china_partition() -> None:
    assert only(with_certificate("arn:aws-cn:acm:us-east-1:123456789012:certificate/abc")).startswith(
        "t.yaml:6: platform.load_balancer.certificate_arn: the ARN names partition 'aws-cn', but us-east-1 is in "
        "partition aws: arn:aws:acm:us-east-1:<account>:certificate/<id>"
    )


def test_a_china_certificate_arn_in_its_own_partition_is_accepted() -> None:
    accepted(
        with_certificate("arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc").replace("us-east-1", "cn-north-1")
    )


def test_a_region_with_other_scripts_digits_is_refused() -> None:
    region = "us-east-" + other_digits("1")
    assert only(MINIMAL.replace("region: us-east-1", f"region: {region}")) == (
        f"t.yaml:4: platform.region: must be an AWS region code like us-east-1 or eu-west-1 (got '{region}')"
    )


# ---- Hosts ---------------------------------------------------------------------------------------------------------


def test_a_wildcard_in_a_hosts_last_label_is_refused() -> None:
    assert only(with_tenants("  - name: a\n    priority: 1\n    hosts: ['app.example.*']\n")) == (
        "t.yaml:14: tenants[0].hosts[0]: the last label of a host must be letters only, without wildcards "
        "(for example .com) (got 'app.example.*')"
    )


def test_a_host_listed_twice_for_one_tenant_is_refused() -> None:
    text = with_tenants("  - name: a\n    priority: 1\n    hosts: [a.example.com, b.example.com, a.example.com]\n")
    assert only(text) == (
        "t.yaml:14: tenants[0].hosts[2]: host 'a.example.com' repeats hosts[0] ('a.example.com') of tenant 'a'; "
        "hosts are equal ignoring case (ALB rules and DNS names both ignore it), and each gets one Route 53 record: "
        "list it once"
    )


def test_hosts_of_one_tenant_that_differ_only_in_case_are_refused() -> None:
    text = with_tenants("  - name: a\n    priority: 1\n    hosts:\n      - a.example.com\n      - A.Example.COM\n")
    assert only(text) == (
        "t.yaml:16: tenants[0].hosts[1]: host 'A.Example.COM' repeats hosts[0] ('a.example.com') of tenant 'a'; "
        "hosts are equal ignoring case (ALB rules and DNS names both ignore it), and each gets one Route 53 record: "
        "list it once"
    )


# ---- Tags ----------------------------------------------------------------------------------------------------------


def test_an_equals_sign_in_a_tag_key_is_refused() -> None:
    assert only(MINIMAL + "    tags: {'a=b': c}\n") == (
        "t.yaml:14: tenants[0].tags: tag key 'a=b': '=' cannot be part of a tag key here (AWS allows it, but saasctl "
        "hands tags to Pulumi as key=value config pairs, which split at the first '='); use letters, digits, spaces "
        "and _ . : / + - @"
    )


def test_an_equals_sign_in_a_tag_value_is_accepted() -> None:
    accepted(MINIMAL + "    tags: {query: 'a=b'}\n")


def test_tag_keys_of_one_mapping_that_differ_only_in_case_are_refused() -> None:
    assert only(MINIMAL + "    tags: {Team: a, team: b}\n") == (
        "t.yaml:14: tenants[0].tags: tag keys 'Team' and 'team' differ only in case; IAM tag keys ignore case, so a "
        "role tagged with both is refused ('Duplicate tag keys found'): keep one spelling"
    )


def test_a_tag_key_that_is_a_saasctl_key_in_another_case_is_refused() -> None:
    assert only(with_platform_tags("Project: x")) == (
        "t.yaml:6: platform.tags.Project: tag key 'Project' differs only in case from 'project', which saasctl sets "
        "itself; IAM tag keys ignore case, so a role tagged with both is refused ('Duplicate tag keys found'); "
        "reserved keys: project, environment, tenant, managed-by"
    )


def test_a_tenant_tag_that_is_a_platform_tag_in_another_case_is_refused() -> None:
    assert only(with_platform_tags("team: x") + "    tags: {TEAM: y}\n") == (
        "t.yaml:15: tenants[0].tags.TEAM: tag key 'TEAM' differs only in case from the platform's 'team': the "
        "tenant's resources would carry both, and IAM tag keys ignore case, so its roles would be refused "
        "('Duplicate tag keys found'); write it 'team' to override the platform's value"
    )


def test_a_tenant_tag_overriding_the_platforms_under_the_same_key_is_accepted() -> None:
    accepted(with_platform_tags("team: x") + "    tags: {team: y}\n")


# ---- Health checks -------------------------------------------------------------------------------------------------


def test_a_health_check_path_with_characters_elb_refuses_is_refused() -> None:
    assert only(MINIMAL + "    health_check_path: '/health check?q={x}'\n") == (
        "t.yaml:14: tenants[0].health_check_path: an ALB health check path may contain only letters, digits and "
        "@ : % _ + . ~ # ? & / = - (percent-encode anything else) (got '/health check?q={x}')"
    )


def test_a_percent_encoded_health_check_path_with_a_query_is_accepted() -> None:
    accepted(MINIMAL + "    health_check_path: '/health-check?probe=1&q=%7Bx%7D'\n")


# ---- Derived AWS names are unique across the fleet -----------------------------------------------------------------


def test_two_tenants_whose_target_group_names_meet_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # With the real 12-character hash no such pair can be found; with a 1-character one these two meet (found by
    # search), which shows the fleet-wide rule that stands behind the hash.
    monkeypatch.setattr(naming, "UNIQUE_HASH_LENGTH", 1)
    text = with_tenants(
        "  - name: customer-with-a-long-name-2\n    priority: 1\n",
        "  - name: customer-with-a-long-name-12\n    priority: 2\n",
    )
    assert only(text) == (
        "t.yaml:14: tenants[1].name: tenant 'customer-with-a-long-name-12''s target group name "
        "'saas-customer-with-a-long-name-l' is also tenant 'customer-with-a-long-name-2''s; target group names are "
        "unique in the account and Region: rename one of the two"
    )
