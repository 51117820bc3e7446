"""Offline preflight rules: one behaviour per test, with the exact finding a user sees."""

from __future__ import annotations

import pytest

from saas_ctl.preflight import catalog as versions
from saas_ctl.preflight.findings import Finding, Severity
from saas_ctl.preflight.offline import check
from tests.conftest import MINIMAL, spec_of

SNAPSHOT = "saasctl's bundled snapshot of us-east-1 as of 2025-11-18 (with releases through 2026-06-14)"


@pytest.fixture(autouse=True)
def no_user_catalog(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))


def every_finding(text: str) -> list[Finding]:
    spec = spec_of(text)
    return check(spec, versions.load(spec.platform.region))


def findings(text: str) -> list[Finding]:
    """Every finding but the warning that a non-throwaway environment has no certificate, which every test spec
    here would carry (its own tests below)."""
    return [f for f in every_finding(text) if f.code != "CERT-NONE"]


def only(text: str, code: str) -> Finding:
    found = [f for f in every_finding(text) if f.code == code]
    assert len(found) == 1, found
    return found[0]


def version(v: str) -> str:
    return MINIMAL.replace('"15.8"', f'"{v}"')


def test_the_example_has_no_findings(example_text: str) -> None:
    assert findings(example_text) == []


def test_retired_version_is_an_error_naming_the_valid_ones() -> None:
    finding = only(version("15.4"), "DB-ENGINE-VERSION")
    assert finding.severity is Severity.ERROR
    assert finding.path == ("platform", "database", "engine_version")
    assert finding.message == (
        f"Aurora PostgreSQL 15.4 has been retired by AWS according to {SNAPSHOT}; the deploy would fail with "
        "'InvalidParameterCombination: Cannot find version 15.4 for aurora-postgresql'"
    )
    assert finding.fix == (
        "available 15.x versions: 15.6, 15.7, 15.8, 15.10, 15.12, 15.13, 15.14, 15.15; "
        "`saasctl preflight --live` confirms for us-east-1"
    )


def test_unlisted_version_of_a_listed_major_is_an_error() -> None:
    finding = only(version("16.11"), "DB-ENGINE-VERSION")
    assert finding.message.startswith(f"Aurora PostgreSQL 16.11 is not available according to {SNAPSHOT}")
    assert finding.fix is not None and finding.fix.startswith("available 16.x versions: 16.1, 16.2, 16.3, 16.4, 16.6,")


def test_version_of_a_major_the_snapshot_does_not_list_is_only_a_warning() -> None:
    finding = only(version("18.1"), "DB-ENGINE-VERSION")
    assert (finding.severity, finding.message, finding.fix) == (
        Severity.WARNING,
        f"Aurora PostgreSQL 18.1 is not in {SNAPSHOT}, which lists no 18.x versions",
        "`saasctl preflight --live` checks it against your region",
    )


def test_unsupported_major_is_an_error() -> None:
    finding = only(version("12.22"), "DB-ENGINE-MAJOR")
    assert (
        finding.message
        == "Aurora PostgreSQL major version 12 is not supported (supported majors: 13, 14, 15, 16, 17, 18)"
    )
    assert finding.fix == "newest per major version: 13.23, 14.19, 15.15, 16.10, 17.10"


def test_malformed_version_is_an_error() -> None:
    assert only(version("v15"), "DB-ENGINE-VERSION-FORMAT").message == (
        "'v15' is not an Aurora PostgreSQL version; versions look like 15.8 or 16.6, or a major alone like 15"
    )


def test_a_major_alone_deploys_its_newest_known_release_and_says_so() -> None:
    found = only(version("15"), "DB-ENGINE-VERSION-RESOLVED")
    assert (found.severity, found.message) == (
        Severity.INFO,
        'engine_version "15" deploys 15.15, the newest 15.x in saasctl\'s bundled snapshot of us-east-1 as of '
        "2025-11-18 (with releases through 2026-06-14); AWS's automatic minor upgrades then stand (the next deploy "
        "does not downgrade)",
    )


def test_a_major_saasctl_knows_no_release_of_is_an_error() -> None:
    assert only(version("12"), "DB-ENGINE-MAJOR").message.startswith(
        "saasctl's bundled snapshot of us-east-1 as of 2025-11-18 (with releases through 2026-06-14) lists no "
        "Aurora PostgreSQL 12.x release"
    )


def test_limitless_version_is_refused_for_a_cluster() -> None:
    assert only(version("16.4-limitless"), "DB-ENGINE-LIMITLESS").fix == "use 16.4 or another non-limitless version"


def test_user_refreshed_catalog_is_preferred_and_named(tmp_path: object) -> None:
    path = versions.store("us-east-1", ["15.4", "15.8"])
    assert findings(version("15.4")) == []
    finding = only(version("15.5"), "DB-ENGINE-VERSION")
    assert f"your refreshed catalogue ({path})" in finding.message


@pytest.mark.parametrize(
    ("cls", "reason"),
    [
        ("db.t3.micro", "Aurora PostgreSQL's smallest burstable classes are medium"),
        ("db.t4g.small", "Aurora PostgreSQL's smallest burstable classes are medium"),
        ("db.t2.medium", "db.t2 classes are not supported by Aurora"),
        ("db.r4.large", "db.r4 classes are not supported by Aurora PostgreSQL 13 and later"),
    ],
)
def test_instance_classes_aurora_postgresql_rejects(cls: str, reason: str) -> None:
    finding = only(MINIMAL.replace('"15.8"', f'"15.8"\n    instance_class: {cls}'), "DB-INSTANCE-CLASS")
    assert finding.message == f"{cls}: {reason}; the deploy would fail with InvalidParameterCombination"


def test_serverless_class_is_refused_without_scaling_configuration() -> None:
    finding = only(MINIMAL.replace('"15.8"', '"15.8"\n    instance_class: db.serverless'), "DB-INSTANCE-CLASS")
    assert finding.message == "db.serverless needs a Serverless v2 scaling configuration, which saasctl does not create"


def test_medium_burstable_class_is_accepted_by_aurora_but_not_by_the_data_api() -> None:
    found = findings(MINIMAL.replace('"15.8"', '"15.8"\n    instance_class: db.t4g.medium'))
    assert [f.code for f in found] == ["DB-DATA-API"]


def test_project_starting_with_internal_breaks_the_alb_name() -> None:
    finding = only(MINIMAL.replace("project: saas", "project: internal"), "NAME-LOAD-BALANCER")
    assert finding.message == (
        "the load balancer name 'internal-dev-alb' breaks AWS's rule: 1-32 letters, digits and hyphens, not starting "
        "or ending with a hyphen, not starting with 'internal-'"
    )
    assert finding.path == ("platform", "project")


def test_project_with_reserved_s3_prefix_breaks_the_bucket_name() -> None:
    finding = only(MINIMAL.replace("project: saas", "project: xn--shop"), "NAME-S3-BUCKET")
    assert finding.message.startswith("the S3 bucket name 'xn--shop-acme-dev-")
    assert finding.path == ("tenants", 0, "name")


def test_double_hyphen_breaks_the_rds_identifiers() -> None:
    found = [
        f for f in findings(MINIMAL.replace("project: saas", "project: my--saas")) if f.code == "NAME-RDS-IDENTIFIER"
    ]
    assert [f.message.split(" breaks")[0] for f in found] == [
        "the RDS identifier 'my--saas-dev-aurora'",
        "the RDS identifier 'my--saas-dev-final-20261129135500'",
    ]


def test_secret_suffix_trap_is_reported() -> None:
    from saas_ctl.preflight.offline import secret_suffix_finding

    finding = secret_suffix_finding("shop/acme-abc123", ("tenants", 0, "name"))
    assert finding.code == "NAME-SECRET-SUFFIX"
    assert finding.message == (
        "secret name 'shop/acme-abc123' ends with a hyphen and six characters, which Secrets Manager confuses with "
        "the random suffix it appends to every secret ARN"
    )


def test_derived_secret_names_avoid_the_suffix_trap() -> None:
    assert findings(MINIMAL.replace("name: acme", "name: acme-abc123")) == []


def test_more_than_five_wildcards_in_one_rule_is_an_error() -> None:
    text = MINIMAL.replace(
        "    priority: 10\n",
        "    priority: 10\n    hosts: ['*.?.a.example.com', '*.??.b.example.com', '*.c.example.com']\n",
    )
    assert only(text, "ALB-HOST-WILDCARDS").message == (
        "tenant 'acme' uses 6 wildcards in its hosts; an ALB rule allows 5"
    )


def test_per_az_nat_beyond_five_addresses_warns_offline() -> None:
    text = MINIMAL.replace("  database:", "  network: {availability_zones: 6, nat_gateways: per_az}\n  database:")
    finding = only(text, "NAT-EIP-QUOTA")
    assert (finding.severity, finding.message) == (
        Severity.WARNING,
        "nat_gateways: per_az needs 6 Elastic IPs; the default quota is 5 per region "
        "(including addresses already allocated)",
    )


def test_no_nat_with_tenants_is_an_error_because_no_task_could_start() -> None:
    text = MINIMAL.replace("  database:", "  network: {nat_gateways: none}\n  database:")
    finding = only(text, "NAT-NONE")
    assert (finding.severity, finding.message, finding.fix) == (
        Severity.ERROR,
        "nat_gateways: none leaves the private subnets without internet access, so the 1 declared tenant(s) could "
        "never start: their tasks cannot pull images, read their secret or write logs",
        "use nat_gateways: single (or per_az)",
    )


def test_no_nat_without_tenants_only_warns() -> None:
    text = MINIMAL.replace("  database:", "  network: {nat_gateways: none}\n  database:").split("tenants:")[0]
    assert only(text + "tenants: []\n", "NAT-NONE").severity is Severity.WARNING


def test_certificate_from_another_region_is_an_error() -> None:
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
    text = MINIMAL.replace("  database:", f"  load_balancer: {{certificate_arn: '{arn}'}}\n  database:")
    assert only(text, "CERT-REGION").message == (
        "the certificate is in eu-west-1 but the ALB is in us-east-1; an ALB can only use certificates of its own "
        "region (CertificateNotFound)"
    )


def test_tags_near_the_limit_count_the_resources_own_tags() -> None:
    tags = ", ".join(f"k{i}: v" for i in range(45))
    text = MINIMAL.replace("    priority: 10\n", f"    priority: 10\n    tags: {{{tags}}}\n")
    assert only(text, "TAGS-COUNT").message == (
        "tenant 'acme' resources would carry 51 tags (49 default tags plus up to 2 of their own); AWS allows 50"
    )


def test_throwaway_with_deletion_protection_warns() -> None:
    text = MINIMAL.replace("  region: us-east-1\n", "  region: us-east-1\n  throwaway: true\n")
    assert only(text, "DB-DELETION-PROTECTION").severity is Severity.WARNING


def test_a_t_class_cannot_run_the_data_api_that_makes_tenant_databases() -> None:
    text = MINIMAL.replace('engine_version: "15.8"', 'engine_version: "15.8"\n    instance_class: db.t4g.medium')
    finding = only(text, "DB-DATA-API")
    assert (finding.severity, finding.fix) == (Severity.ERROR, "use db.r6g.large or db.r7g.large")
    assert finding.message.startswith("db.t4g.medium: the RDS Data API, through which saasctl creates")


def test_a_version_before_the_data_api_is_an_error_naming_the_first_versions_with_it() -> None:
    text = MINIMAL.replace('"15.8"', '"14.6"')
    [finding] = [f for f in findings(text) if f.code == "DB-DATA-API"]
    assert finding.message.startswith("Aurora PostgreSQL 14.6 has no RDS Data API on provisioned clusters")
    assert finding.fix == "use a version with it: 13.11+, 14.8+, 15.3+, 16.1+, 17.4+, 18.3+"


@pytest.mark.parametrize("region", ["ap-south-2", "ap-southeast-4", "ap-southeast-6", "ca-west-1", "us-gov-west-1"])
def test_a_region_without_the_data_api_is_an_error(region: str) -> None:
    finding = only(MINIMAL.replace("region: us-east-1", f"region: {region}"), "DB-DATA-API-REGION")
    assert (finding.path, finding.message) == (
        ("platform", "region"),
        f"{region} has no RDS Data API for Aurora PostgreSQL according to AWS's table 'Supported Regions and Aurora "
        "DB engines for RDS Data API' as saasctl bundles it (2025); saasctl creates each tenant's database role and "
        "database through it, so every tenant deploy would fail",
    )


def test_the_bundled_data_api_table_names_only_regions_saasctl_knows() -> None:
    from saas_ctl.preflight.catalog import load_data_api_regions, load_regions

    unavailable = load_data_api_regions().unavailable
    assert len(unavailable) == 12 and unavailable <= set(load_regions().regions)


def test_a_version_with_the_data_api_passes() -> None:
    assert [f for f in findings(MINIMAL) if f.code == "DB-DATA-API"] == []


def test_a_host_outside_the_hosted_zone_is_an_error() -> None:
    text = MINIMAL.replace("  domain: example.com\n", "  domain: example.com\n  dns: {zone_name: example.org}\n")
    finding = only(text, "DNS-HOST-OUTSIDE-ZONE")
    assert finding.message == (
        "host acme.example.com of tenant 'acme' is not inside the hosted zone example.org: Route 53 would refuse its "
        "record (not permitted in zone)"
    )


def test_hosts_inside_the_zone_pass() -> None:
    text = MINIMAL.replace("  domain: example.com\n", "  domain: example.com\n  dns: {zone_name: example.com}\n")
    assert [f for f in findings(text) if f.code.startswith("DNS")] == []


def _dns_with_hosts(*hosts: str) -> str:
    text = MINIMAL.replace("  domain: example.com\n", "  domain: example.com\n  dns: {zone_name: example.com}\n")
    return text + f"    hosts: [{', '.join(repr(h) for h in hosts)}]\n"


@pytest.mark.parametrize(
    ("host", "what"),
    [
        ("a?.example.com", "'?'"),
        ("app.*.example.com", "a '*' that is not the whole leftmost label"),
        ("app*.example.com", "a '*' that is not the whole leftmost label"),
    ],
)
def test_with_dns_a_host_dns_would_read_literally_is_refused_as_saasctls_rule(host: str, what: str) -> None:
    finding = only(_dns_with_hosts(host), "DNS-HOST-WILDCARD")
    assert (finding.path, finding.message) == (
        ("tenants", 0, "hosts", 0),
        f"host {host} of tenant 'acme' has {what}: with platform.dns saasctl refuses it (its own rule, not Route "
        "53's: Route 53 would store the character literally, while the ALB rule reads it as a wildcard, so the "
        "record and the rule would mean different hosts)",
    )


def test_with_dns_a_leftmost_wildcard_label_is_a_wildcard_record_and_passes() -> None:
    assert [f for f in findings(_dns_with_hosts("*.acme.example.com")) if f.code.startswith("DNS")] == []


def test_without_dns_wildcards_are_only_the_albs_business() -> None:
    assert [f for f in findings(MINIMAL + "    hosts: [a?.example.com]\n") if f.code.startswith("DNS")] == []


def test_an_environment_that_is_not_throwaway_without_a_certificate_is_warned() -> None:
    finding = only(MINIMAL, "CERT-NONE")
    assert (finding.severity, finding.path, finding.message) == (
        Severity.WARNING,
        ("platform", "load_balancer", "certificate_arn"),
        "environment dev is not throwaway but has no certificate: its tenants are served over plain HTTP only",
    )


def test_a_throwaway_environment_without_a_certificate_is_not_warned() -> None:
    text = MINIMAL.replace("  domain: example.com\n", "  domain: example.com\n  throwaway: true\n")
    assert [f for f in findings(text) if f.code == "CERT-NONE"] == []


def test_a_region_aws_does_not_have_is_an_error_naming_the_list_it_checked() -> None:
    finding = only(MINIMAL.replace("region: us-east-1", "region: us-north-9"), "REGION-UNKNOWN")
    assert finding.message == (
        "us-north-9 is not an AWS Region in the bundled list of 2026-11-29; nothing could be deployed there"
    )


def test_the_newest_regions_are_known() -> None:
    for code in ("ap-southeast-6", "ap-east-2", "mx-central-1", "ca-west-1"):
        assert [
            f for f in findings(MINIMAL.replace("region: us-east-1", f"region: {code}")) if f.code == "REGION-UNKNOWN"
        ] == []


def test_a_refreshed_region_list_is_preferred() -> None:
    versions.store_regions(["us-north-9"])
    assert [
        f for f in findings(MINIMAL.replace("region: us-east-1", "region: us-north-9")) if f.code == "REGION-UNKNOWN"
    ] == []


def test_a_project_named_sg_breaks_every_security_group_name() -> None:
    found = [f for f in findings(MINIMAL.replace("project: saas", "project: sg")) if f.code == "NAME-SECURITY-GROUP"]
    assert len(found) == 4  # the platform's three and the tenant's own
    assert found[0].message.startswith("the security group name 'sg-dev-alb'")


def instance_class(cls: str) -> str:
    return MINIMAL.replace('"15.8"', f'"15.8"\n    instance_class: {cls}')


CLASSES = "saasctl's bundled list of Aurora PostgreSQL instance classes of 2026-12-02"


def test_a_general_purpose_rds_class_is_not_an_aurora_class() -> None:
    finding = only(instance_class("db.m6g.large"), "DB-INSTANCE-CLASS")
    assert (finding.severity, finding.message, finding.fix) == (
        Severity.ERROR,
        f"db.m6g.large is not an Aurora PostgreSQL instance class: {CLASSES} has no db.m6g family; the deploy would "
        "fail with InvalidParameterCombination",
        "use a class of db.r5, db.r6g, db.r6gd, db.r6i, db.r6id, db.r7g, db.r7i, db.r8g, db.r8gd, db.r9g, db.t3, "
        "db.t4g, db.x2g (db.r6g.large or db.r7g.large suit most fleets)",
    )


def test_a_size_an_aurora_family_does_not_come_in_is_an_error_naming_its_sizes() -> None:
    finding = only(instance_class("db.r6g.24xlarge"), "DB-INSTANCE-CLASS")
    assert (finding.severity, finding.message, finding.fix) == (
        Severity.ERROR,
        "db.r6g.24xlarge: Aurora PostgreSQL offers db.r6g in sizes large, xlarge, 2xlarge, 4xlarge, 8xlarge, "
        f"12xlarge, 16xlarge according to {CLASSES}; the deploy would fail with InvalidParameterCombination",
        "use db.r6g.large or another listed size",
    )


def test_a_later_generation_of_a_listed_family_is_only_a_warning() -> None:
    finding = only(instance_class("db.r10g.large"), "DB-INSTANCE-CLASS")
    assert (finding.severity, finding.message, finding.fix) == (
        Severity.WARNING,
        f"db.r10g is not in {CLASSES}; it looks like a generation after db.r9g, the newest listed of its kind",
        "`saasctl preflight --live` checks it against your region",
    )


def test_every_aurora_family_listed_is_accepted_in_its_large_size() -> None:
    for cls in ("db.r5.large", "db.r6i.large", "db.r7g.large", "db.r7i.large", "db.r8g.large", "db.x2g.large"):
        assert [f for f in findings(instance_class(cls)) if f.code == "DB-INSTANCE-CLASS"] == [], cls


def network(line: str) -> str:
    return MINIMAL.replace("  database:", f"  network: {{{line}}}\n  database:")


def test_more_availability_zones_than_the_region_has_is_an_error() -> None:
    finding = only(network("availability_zones: 3").replace("us-east-1", "us-west-1"), "REGION-AZ-COUNT")
    assert (finding.severity, finding.path, finding.message, finding.fix) == (
        Severity.ERROR,
        ("platform", "network", "availability_zones"),
        "us-west-1 has 2 Availability Zones according to saasctl's bundled list of Availability Zones of 2026-12-02 "
        "(standard zones; some accounts see fewer); the spec asks for 3, so the platform deploy would fail at the "
        "subnets of a zone the Region does not have",
        "use availability_zones: 2 or fewer (`saasctl preflight --live` counts your account's zones)",
    )


def test_as_many_availability_zones_as_the_region_has_pass() -> None:
    assert [f for f in findings(network("availability_zones: 6")) if f.code == "REGION-AZ-COUNT"] == []


def test_every_region_saasctl_knows_has_its_zone_count() -> None:
    assert sorted(versions.load_regions().regions) == sorted(versions.load_zones().zones)


def test_a_private_image_of_another_partition_is_an_error() -> None:
    image = "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1"
    finding = only(MINIMAL + f"    image: {image}\n", "IMAGE-PARTITION")
    assert (finding.path, finding.message, finding.fix) == (
        ("tenants", 0, "image"),
        f"image {image} is in ECR in cn-north-1 (partition aws-cn), but the platform's region us-east-1 is in "
        "partition aws: IAM refuses a role policy naming another partition's repository",
        "push the image to ECR in aws, e.g. <account>.dkr.ecr.us-east-1.amazonaws.com/app",
    )


def test_a_private_image_at_another_partitions_registry_host_is_an_error() -> None:
    image = "123456789012.dkr.ecr.cn-north-1.amazonaws.com/app:1"
    text = MINIMAL.replace("us-east-1", "cn-north-1").replace("  memory: 512\n", f"  memory: 512\n  image: {image}\n")
    finding = only(text, "IMAGE-REGISTRY-HOST")
    assert (finding.path, finding.message, finding.fix) == (
        ("defaults", "image"),
        f"image {image}: ECR registries in cn-north-1 are at .amazonaws.com.cn, not .amazonaws.com, so the task "
        "could never pull it",
        "use <account>.dkr.ecr.cn-north-1.amazonaws.com.cn/app",
    )


def test_a_public_image_is_pulled_from_any_partition() -> None:
    text = MINIMAL.replace("us-east-1", "us-gov-west-1") + "    image: public.ecr.aws/nginx/nginx:stable\n"
    assert [f for f in findings(text) if f.code.startswith("IMAGE-")] == []


def test_a_snapshot_of_another_region_to_restore_from_is_an_error_saying_to_copy_it() -> None:
    arn = "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:saas-dev-final-20260101000000"
    finding = only(MINIMAL.replace('"15.8"', f'"15.8"\n    restore_from: "{arn}"'), "DB-RESTORE-REGION")
    assert (finding.path, finding.message) == (
        ("platform", "database", "restore_from"),
        "the snapshot is in eu-west-1 but the platform is in us-east-1: RDS restores a cluster from a snapshot of "
        "its own Region only",
    )
