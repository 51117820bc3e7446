"""Validation of tenants files: each rule reports file:line, the field path, the bad value and what is valid."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from saas_ctl.errors import SpecError, SpecIssue
from saas_ctl.spec.loader import format_path, load, load_bytes
from tests.conftest import EXAMPLE, MINIMAL


def issues_of(text: str) -> list[SpecIssue]:
    with pytest.raises(SpecError) as caught:
        load_bytes(text.encode(), "t.yaml")
    return caught.value.issues


def only(text: str) -> str:
    [issue] = issues_of(text)
    return str(issue)


def with_tenants(*entries: str) -> str:
    return MINIMAL.split("tenants:")[0] + "tenants:\n" + "".join(entries)


def test_the_bundled_example_is_valid() -> None:
    loaded = load_bytes(EXAMPLE.read_bytes(), "tenants.yaml")
    assert [t.name for t in loaded.spec.tenants] == ["acme", "globex"]


def test_format_path_uses_brackets_for_list_indexes() -> None:
    assert format_path(("tenants", 3, "hosts", 0)) == "tenants[3].hosts[0]"


def test_unknown_key_is_an_error_at_its_line_naming_the_nearest_known_key() -> None:
    text = MINIMAL.replace("    priority: 10\n", "    priority: 10\n    cpus: 512\n")
    assert only(text) == (
        "t.yaml:14: tenants[0].cpus: unknown field; did you mean 'cpu'? (`saasctl schema` lists the valid fields)"
    )


def test_missing_required_field_points_at_the_parent() -> None:
    text = MINIMAL.replace("  domain: example.com\n", "")
    assert only(text) == "t.yaml:1: platform.domain: required field is missing"


def test_top_level_list_is_refused() -> None:
    assert only("- a\n- b\n") == (
        "t.yaml:1: the top level must be a mapping with platform, defaults and tenants; got a list"
    )


def test_unquoted_engine_version_is_refused_because_yaml_made_it_a_number() -> None:
    text = MINIMAL.replace('"15.8"', "15.10")
    assert only(text) == (
        't.yaml:7: platform.database.engine_version: must be a quoted string such as "15.8": unquoted, '
        "YAML reads a version as a number (15.10 becomes 15.1) (got 15.1)"
    )


def test_tenant_name_must_be_a_dns_label() -> None:
    assert only(with_tenants("  - name: Acme_1\n    priority: 1\n")) == (
        "t.yaml:12: tenants[0].name: a tenant name must be lowercase letters, digits and hyphens, "
        "start with a letter and not end with a hyphen (got 'Acme_1')"
    )


def test_tenant_name_length_is_bounded_by_the_derived_bucket_name() -> None:
    name = "a" * 46
    assert only(with_tenants(f"  - name: {name}\n    priority: 1\n")) == (
        f"t.yaml:12: tenants[0].name: tenant name '{name}' is 46 characters; with project 'saas' and "
        "environment 'dev' at most 45 fit every AWS name derived from it (the bucket name would be "
        f"'saas-{name}-dev-{_bucket_hash(name)}', 64 of 63)"
    )


def _bucket_hash(name: str) -> str:
    from infra.naming import TenantNames

    return TenantNames("saas", "dev", "us-east-1", name).bucket[-8:]


def test_longest_allowed_tenant_name_is_accepted() -> None:
    load_bytes(with_tenants(f"  - name: {'a' * 45}\n    priority: 1\n").encode(), "t.yaml")


def test_duplicate_tenant_names_are_refused() -> None:
    text = with_tenants("  - name: acme\n    priority: 1\n", "  - name: acme\n    priority: 2\n")
    assert only(text) == "t.yaml:14: tenants[1].name: tenant 'acme' is declared twice (also tenants[0])"


def test_duplicate_priorities_name_the_owner_and_a_free_one() -> None:
    text = with_tenants("  - name: a\n    priority: 1\n", "  - name: b\n    priority: 1\n")
    assert only(text) == (
        "t.yaml:15: tenants[1].priority: priority 1 is already used by tenant 'a'; the lowest free one is 2"
    )


def test_missing_priority_suggests_the_lowest_free_one() -> None:
    assert only(with_tenants("  - name: a\n    priority: 1\n", "  - name: b\n")) == (
        "t.yaml:14: tenants[1]: tenant 'b' has no priority; the lowest free one is 2"
    )


def test_priority_above_the_alb_maximum_is_refused() -> None:
    assert only(with_tenants("  - name: a\n    priority: 50001\n")) == (
        "t.yaml:13: tenants[0].priority: must be at most 50000 (got 50001)"
    )


def test_hosts_collide_case_insensitively_with_another_tenants_default_host() -> None:
    text = with_tenants(
        "  - name: acme\n    priority: 1\n", "  - name: b\n    hosts: [ACME.example.com]\n    priority: 2\n"
    )
    assert only(text) == "t.yaml:15: tenants[1].hosts[0]: host 'ACME.example.com' is already routed to tenant 'acme'"


def test_more_than_five_hosts_is_refused() -> None:
    hosts = ", ".join(f"h{i}.example.com" for i in range(6))
    assert only(with_tenants(f"  - name: a\n    priority: 1\n    hosts: [{hosts}]\n")) == (
        "t.yaml:14: tenants[0].hosts: must have at most 5 item(s); it has 6"
    )


def test_host_without_a_dot_is_refused() -> None:
    assert only(with_tenants("  - name: a\n    priority: 1\n    hosts: [localhost]\n")).endswith(
        "at least one dot (got 'localhost')"
    )


def test_host_with_a_numeric_last_label_is_refused() -> None:
    assert only(with_tenants("  - name: a\n    priority: 1\n    hosts: [a.b.123]\n")) == (
        "t.yaml:14: tenants[0].hosts[0]: the last label of a host must be letters only, without wildcards "
        "(for example .com) (got 'a.b.123')"
    )


def test_wildcard_host_is_accepted() -> None:
    load_bytes(with_tenants("  - name: a\n    priority: 1\n    hosts: ['*.a.example.com']\n").encode(), "t.yaml")


def test_fargate_memory_invalid_for_cpu_names_the_nearest_valid_value() -> None:
    assert only(with_tenants("  - name: a\n    priority: 1\n    cpu: 256\n    memory: 4096\n")) == (
        "t.yaml:15: tenants[0].memory: memory 4096 is not valid with cpu 256 on Fargate; valid: 512, 1024, 2048; "
        "the nearest is 2048"
    )


def test_fargate_memory_ranges_are_described_as_steps() -> None:
    assert only(with_tenants("  - name: a\n    priority: 1\n    cpu: 4096\n    memory: 4096\n")).endswith(
        "valid: 8192-30720 in steps of 1024; the nearest is 8192"
    )


def test_invalid_fargate_cpu_lists_valid_values() -> None:
    assert only(MINIMAL.replace("cpu: 256", "cpu: 300")) == (
        "t.yaml:9: defaults.cpu: cpu 300 is not a Fargate size; "
        "valid cpu values: 256, 512, 1024, 2048, 4096, 8192, 16384"
    )


def test_autoscaling_requires_min_le_desired_le_max() -> None:
    text = with_tenants("  - name: a\n    priority: 1\n    desired_count: 5\n    autoscaling: {max: 3}\n")
    assert only(text) == (
        "t.yaml:15: tenants[0].autoscaling: autoscaling needs min <= desired_count <= max; "
        "tenant 'a' has min 1, desired_count 5, max 3"
    )


def test_cpu_target_above_100_is_refused() -> None:
    text = with_tenants("  - name: a\n    priority: 1\n    autoscaling: {cpu_target: 101}\n")
    assert only(text) == ("t.yaml:14: tenants[0].autoscaling.cpu_target: must be at most 100 (got 101)")


def test_public_vpc_cidr_is_refused() -> None:
    text = MINIMAL.replace("  database:", "  network: {vpc_cidr: 8.8.0.0/16}\n  database:")
    assert only(text) == (
        "t.yaml:6: platform.network.vpc_cidr: the VPC block must be private "
        "(RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) (got '8.8.0.0/16')"
    )


def test_vpc_cidr_with_host_bits_is_refused() -> None:
    text = MINIMAL.replace("  database:", "  network: {vpc_cidr: 10.0.0.1/16}\n  database:")
    assert "not a valid IPv4 network block (10.0.0.1/16 has host bits set)" in only(text)


def test_vpc_too_small_for_alb_sized_subnets_in_six_azs_is_refused() -> None:
    text = MINIMAL.replace("  database:", "  network: {vpc_cidr: 10.0.0.0/24, availability_zones: 6}\n  database:")
    assert only(text) == (
        "t.yaml:6: platform.network.vpc_cidr: 10.0.0.0/24 is too small for a public and a private subnet in each "
        "of 6 zones (max_zones; 12 subnets of at least /27, the smallest an ALB accepts); the largest max_zones it "
        "fits is 4; use /23 or larger"
    )


def test_a_vpc_too_small_for_max_zones_names_the_largest_max_zones_that_fits() -> None:
    text = MINIMAL.replace("  database:", "  network: {vpc_cidr: 10.0.0.0/24, max_zones: 6}\n  database:")
    assert only(text) == (
        "t.yaml:6: platform.network.vpc_cidr: 10.0.0.0/24 is too small for a public and a private subnet in each "
        "of 6 zones (max_zones; 12 subnets of at least /27, the smallest an ALB accepts); the largest max_zones it "
        "fits is 4; use max_zones: 4 or fewer, or /23 or larger"
    )


def test_max_zones_below_availability_zones_is_refused() -> None:
    text = MINIMAL.replace("  database:", "  network: {availability_zones: 3, max_zones: 2}\n  database:")
    assert only(text) == (
        "t.yaml:6: platform.network.max_zones: must be at least availability_zones (3): the subnets are carved "
        "for max_zones zones; use max_zones: 3 or more (at most 6)"
    )


def test_max_zones_outside_2_to_6_is_refused() -> None:
    text = MINIMAL.replace("  database:", "  network: {max_zones: 7}\n  database:")
    assert only(text) == "t.yaml:6: platform.network.max_zones: must be at most 6 (got 7)"


def test_max_zones_unwritten_is_4_or_the_zone_count_when_more() -> None:
    assert load_bytes(MINIMAL.encode(), "t.yaml").spec.platform.network.max_zones == 4
    six = MINIMAL.replace("  database:", "  network: {vpc_cidr: 10.0.0.0/16, availability_zones: 6}\n  database:")
    assert load_bytes(six.encode(), "t.yaml").spec.platform.network.max_zones == 6


def test_availability_zones_outside_2_to_6_are_refused() -> None:
    text = MINIMAL.replace("  database:", "  network: {availability_zones: 1}\n  database:")
    assert only(text) == ("t.yaml:6: platform.network.availability_zones: must be at least 2 (got 1)")


def test_log_retention_must_be_a_cloudwatch_value() -> None:
    assert only(MINIMAL.replace("  database:", "  log_retention_days: 10\n  database:")).startswith(
        "t.yaml:6: platform.log_retention_days: CloudWatch Logs accepts only these retention periods (days): "
        "1, 3, 5, 7,"
    )


def test_backup_retention_above_35_is_refused() -> None:
    text = MINIMAL.replace('"15.8"', '"15.8"\n    backup_retention_days: 36')
    assert only(text) == ("t.yaml:8: platform.database.backup_retention_days: must be at most 35 (got 36)")


def test_container_port_out_of_range_is_refused() -> None:
    assert only(MINIMAL.replace("  cpu: 256", "  cpu: 256\n  container_port: 70000")) == (
        "t.yaml:10: defaults.container_port: must be at most 65535 (got 70000)"
    )


def test_aws_prefixed_tag_key_is_refused() -> None:
    assert only(with_tenants("  - name: a\n    priority: 1\n    tags: {'aws:x': y}\n")) == (
        "t.yaml:14: tenants[0].tags: tag key 'aws:x': the aws: prefix is reserved by AWS"
    )


def test_tag_value_longer_than_256_is_refused() -> None:
    assert "the value is 257 characters; at most 256" in only(
        with_tenants(f"  - name: a\n    priority: 1\n    tags: {{k: {'v' * 257}}}\n")
    )


def test_tag_key_reserved_by_saasctl_is_refused() -> None:
    assert only(with_tenants("  - name: a\n    priority: 1\n    tags: {tenant: b}\n")) == (
        "t.yaml:14: tenants[0].tags.tenant: tag key 'tenant' is set by saasctl itself; "
        "reserved keys: project, environment, tenant, managed-by"
    )


def test_more_than_50_tags_after_merging_is_refused() -> None:
    platform_tags = ", ".join(f"p{i}: x" for i in range(30))
    tenant_tags = ", ".join(f"t{i}: x" for i in range(17))
    text = with_tenants(f"  - name: a\n    priority: 1\n    tags: {{{tenant_tags}}}\n").replace(
        "  database:", f"  tags: {{{platform_tags}}}\n  database:"
    )
    assert only(text) == (
        "t.yaml:15: tenants[0].tags: 51 tags after merging the platform's, the tenant's and saasctl's own; "
        "AWS allows 50 per resource"
    )


def test_yes_as_an_environment_value_asks_for_quotes() -> None:
    assert only(with_tenants("  - name: a\n    priority: 1\n    environment: {DEBUG: yes}\n")) == (
        "t.yaml:14: tenants[0].environment.DEBUG: must be text; got True "
        "(quote it: YAML reads yes/no/on/off and numbers as non-strings)"
    )


def test_every_problem_is_reported_at_once() -> None:
    text = with_tenants("  - name: A\n    priority: 0\n    cpux: 1\n")
    assert [issue.path for issue in issues_of(text)] == ["tenants[0].name", "tenants[0].priority", "tenants[0].cpux"]


def test_an_environment_variable_saasctl_injects_is_refused_at_its_line() -> None:
    with pytest.raises(SpecError) as raised:
        load_bytes((MINIMAL + "    environment: {DB_HOST: elsewhere}\n").encode(), "t.yaml")
    [issue] = raised.value.issues
    assert (issue.line, issue.path) == (14, "tenants[0].environment")
    assert issue.message.startswith(
        "DB_HOST is set by saasctl in every tenant container (APP_SECRET, DB_HOST, DB_READER_HOST, DB_PORT, DB_NAME, "
        "DB_USER); choose another name"
    )


def test_a_directory_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as raised:
        load(tmp_path)
    assert raised.value.issues[0].message == "is a directory; pass the tenants YAML file with -f FILE"


def test_a_fifo_is_refused_instead_of_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "tenants.yaml"
    os.mkfifo(fifo)
    with pytest.raises(SpecError) as raised:
        load(fifo)
    assert raised.value.issues[0].message.startswith("is not a regular file (a FIFO, socket or device)")


def test_a_file_over_the_size_limit_is_refused_with_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAASCTL_MAX_FILE_BYTES", "1000")
    path = tmp_path / "tenants.yaml"
    path.write_text(MINIMAL + "#" * 2000 + "\n")
    with pytest.raises(SpecError) as raised:
        load(path)
    assert raised.value.issues[0].message == (
        f"is {path.stat().st_size:,} bytes; tenants files are limited to 1,000 (SAASCTL_MAX_FILE_BYTES)"
    )


def test_a_huge_bad_value_is_not_echoed_back_whole() -> None:
    with pytest.raises(SpecError) as raised:
        load_bytes(MINIMAL.replace("name: acme", "name: " + "x" * 5000).encode(), "t.yaml")
    message = raised.value.issues[0].message
    assert len(message) < 400 and message.endswith("… (5,002 characters))")


def _only_issue(text: str) -> tuple[int | None, str]:
    with pytest.raises(SpecError) as raised:
        load_bytes(text.encode(), "t.yaml")
    [issue] = raised.value.issues
    return issue.line, issue.message


def test_a_boolean_where_a_number_belongs_is_refused_not_read_as_1() -> None:
    assert _only_issue(MINIMAL.replace("priority: 10", "priority: true")) == (
        13,
        "must be a whole number, not true (got True)",
    )


@pytest.mark.parametrize("block", ["169.254.0.0/16", "127.0.0.0/16", "192.0.2.0/24"])
def test_loopback_link_local_and_documentation_blocks_are_not_vpc_blocks(block: str) -> None:
    _line, message = _only_issue(MINIMAL.replace("  database:", f"  network: {{vpc_cidr: {block}}}\n  database:"))
    assert message.startswith("the VPC block must be private (RFC 1918")


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("nginx latest", "an image reference may contain only letters, digits and - _ : . / # @ (no spaces)"),
        ("a" * 256, "an image reference is at most 255 characters; this one has 256"),
    ],
)
def test_an_image_ecs_would_refuse_is_refused(image: str, message: str) -> None:
    assert _only_issue(MINIMAL + f"    image: '{image}'\n")[1].startswith(message)


def test_a_health_check_path_over_the_alb_limit_is_refused() -> None:
    _line, message = _only_issue(MINIMAL + "    health_check_path: /" + "x" * 1024 + "\n")
    assert message.startswith("at most 1024 characters; this one has 1025")


@pytest.mark.parametrize("key", ['a"]b', "team[x]", "emoji🙂"])
def test_tag_keys_aws_refuses_are_refused_before_they_reach_a_pulumi_config_path(key: str) -> None:
    _line, message = _only_issue(MINIMAL + f"    tags: {{'{key}': x}}\n")
    assert "AWS allows only letters, digits, spaces and _ . : / = + - @ in tags" in message


def test_an_autoscaling_maximum_past_what_a_service_runs_is_refused() -> None:
    _line, message = _only_issue(MINIMAL + "    autoscaling: {max: 6000}\n")
    assert (
        message == "autoscaling max 6000 is more tasks than an ECS service runs (5000, the 'Tasks per service' quota)"
    )


def test_an_environment_past_the_task_definition_size_is_refused() -> None:
    values = ", ".join(f"V{i}: '{'x' * 1000}'" for i in range(60))
    _line, message = _only_issue(MINIMAL + f"    environment: {{{values}}}\n")
    assert message.startswith("tenant 'acme''s environment takes 61,")
    assert "ECS allows 64 KiB for the whole definition" in message


@pytest.mark.parametrize("line", ["    cell: 1000000000000\n", "    cell: 1001\n"])
def test_a_cell_number_past_saasctls_bound_is_refused_at_its_line(line: str) -> None:
    with pytest.raises(SpecError) as refused:
        load_bytes((MINIMAL + line).encode(), "t.yaml")
    assert [(issue.line, issue.path) for issue in refused.value.issues] == [(14, "tenants[0].cell")]
    assert "must be at most 1000" in refused.value.issues[0].message


def test_the_cells_to_run_are_bounded_too() -> None:
    text = MINIMAL.replace("  database:\n", "  load_balancer:\n    cells: 5000\n  database:\n")
    with pytest.raises(SpecError) as refused:
        load_bytes(text.encode(), "t.yaml")
    assert [issue.path for issue in refused.value.issues] == ["platform.load_balancer.cells"]


@pytest.mark.parametrize(
    "snapshot",
    [
        "saas-dev-final-20260101000000",
        "rds:saas-dev-aurora-2026-01-01-03-10",
        "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:saas-dev-final-20260101000000",
    ],
)
def test_restore_from_takes_a_cluster_snapshot_identifier_or_its_arn(snapshot: str) -> None:
    text = MINIMAL.replace(
        '    engine_version: "15.8"\n', f'    engine_version: "15.8"\n    restore_from: "{snapshot}"\n'
    )
    assert load_bytes(text.encode(), "t.yaml").spec.platform.database.restore_from == snapshot


@pytest.mark.parametrize("snapshot", ["1-starts-with-a-digit", "double--hyphen", "trailing-", "arn:aws:rds:x"])
def test_restore_from_refuses_what_is_not_a_cluster_snapshot(snapshot: str) -> None:
    text = MINIMAL.replace(
        '    engine_version: "15.8"\n', f'    engine_version: "15.8"\n    restore_from: "{snapshot}"\n'
    )
    assert only(text).startswith("t.yaml:8: platform.database.restore_from: must be a DB cluster snapshot identifier")


# ---- one pass: structural and cross-field problems together ---------------------------------------------------
def test_a_bad_tenant_setting_and_a_duplicate_priority_elsewhere_are_reported_in_one_pass() -> None:
    text = with_tenants(
        "  - name: acme\n    priority: 10\n    cpu: lots\n",
        "  - name: globex\n    priority: 20\n",
        "  - name: initech\n    priority: 20\n",
    )
    assert [str(issue) for issue in issues_of(text)] == [
        "t.yaml:14: tenants[0].cpu: must be a whole number (got 'lots')",
        "t.yaml:18: tenants[2].priority: priority 20 is already used by tenant 'globex'; the lowest free one is 1",
    ]


def test_a_tenant_with_a_bad_name_is_left_out_of_the_cross_field_rules_and_the_others_keep_their_numbers() -> None:
    text = with_tenants(
        "  - name: Bad_Name\n    priority: 10\n",
        "  - name: globex\n    priority: 20\n    cpu: 512\n    memory: 100\n",
    )
    assert [issue.path for issue in issues_of(text)] == ["tenants[0].name", "tenants[1].memory"]


def test_a_typo_is_reported_with_the_cross_field_problems_of_the_rest_of_the_file() -> None:
    text = MINIMAL.replace("  domain: example.com\n", "  domain: example.com\n  tag: {}\n").replace(
        "cpu: 256", "cpu: 300"
    )
    assert [issue.path for issue in issues_of(text)] == ["platform.tag", "defaults.cpu"]


def test_a_bad_platform_value_reports_only_the_structural_problem_since_the_rules_need_the_platform() -> None:
    text = MINIMAL.replace("  database:\n", "  network: {availability_zones: 9}\n  database:\n").replace(
        "cpu: 256", "cpu: 300"
    )
    assert [issue.path for issue in issues_of(text)] == ["platform.network.availability_zones"]


# ---- the house wording ----------------------------------------------------------------------------------------
def test_a_value_outside_a_fixed_set_names_the_valid_ones() -> None:
    text = MINIMAL.replace("  database:\n", "  network: {nat_gateways: two}\n  database:\n")
    assert only(text) == (
        "t.yaml:6: platform.network.nat_gateways: must be one of 'single', 'per_az' or 'none' (got 'two')"
    )


def test_a_list_where_a_mapping_belongs_is_said_so() -> None:
    text = MINIMAL.replace("  database:\n", "  network: [1, 2]\n  database:\n")
    assert only(text) == "t.yaml:6: platform.network: must be a mapping (key: value) (got a list)"


def test_a_fraction_where_a_whole_number_belongs_is_said_so() -> None:
    assert only(MINIMAL.replace("cpu: 256", "cpu: 256.5")) == (
        "t.yaml:9: defaults.cpu: must be a whole number, without a fraction (got 256.5)"
    )


def test_no_message_carries_pydantics_own_wording() -> None:
    text = with_tenants(
        "  - name: acme\n    priority: ten\n    hosts: []\n    desired_count: 0\n    tags: [a]\n    autoscaling: 3\n"
    )
    messages = [issue.message for issue in issues_of(text)]
    assert len(messages) == 5
    assert not [m for m in messages if "Input should" in m or "should have" in m or "valid dictionary" in m]


def test_an_unknown_nested_key_suggests_the_nearest_key_of_its_own_mapping() -> None:
    text = MINIMAL.replace('"15.8"\n', '"15.8"\n    instance_clas: db.r6g.large\n')
    assert only(text) == (
        "t.yaml:8: platform.database.instance_clas: unknown field; did you mean 'instance_class'? "
        "(`saasctl schema` lists the valid fields)"
    )


def test_an_unknown_key_near_no_known_one_lists_the_valid_keys_there() -> None:
    text = MINIMAL.replace("  database:\n", "  network: {zzz: 1}\n  database:\n")
    assert only(text) == (
        "t.yaml:6: platform.network.zzz: unknown field; valid here: vpc_cidr, availability_zones, max_zones, "
        "nat_gateways"
    )
