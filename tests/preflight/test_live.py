"""Live preflight checks against a real moto server, seeded through boto3.

moto implements no ``rds:DescribeDBEngineVersions`` (HTTP 500) and answers
``DescribeOrderableDBInstanceOptions`` with stale data, so the RDS checks use botocore's Stubber with
responses shaped like AWS's documented ones; everything else talks to the moto server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from infra.naming import TenantNames, tags
from saas_ctl.preflight import live
from saas_ctl.preflight.findings import Finding, Severity
from saas_ctl.preflight.run import Mode, run
from saas_ctl.spec.loader import LoadedSpec
from tests.conftest import MINIMAL, fleet_yaml, loaded_of
from tests.moto_server import ACCOUNT, REGION, client, other_account_credentials

ACME = TenantNames("saas", "dev", REGION, "acme", ACCOUNT)


def loaded(text: str = MINIMAL) -> LoadedSpec:
    return loaded_of(text)


def context(url: str, region: str = REGION) -> live.AwsContext:
    return live.AwsContext(boto3.Session(), region, url)


def run_one(check: Any, url: str, text: str = MINIMAL, deployed: set[str] | None = None) -> list[Finding]:
    spec = loaded(text).spec
    return list(check(spec, context(url, spec.platform.region), deployed))


@pytest.fixture
def rds(moto: str) -> Iterator[tuple[live.AwsContext, Stubber]]:
    ctx = context(moto)
    stubbed = boto3.client("rds", region_name=REGION)
    stubber = Stubber(stubbed)
    ctx.clients["rds"] = stubbed
    with stubber:
        yield ctx, stubber


def _versions(*numbers: str) -> dict[str, Any]:
    return {
        "DBEngineVersions": [
            {
                "Engine": "aurora-postgresql",
                "EngineVersion": n,
                "DBParameterGroupFamily": f"aurora-postgresql{n.split('.')[0]}",
            }
            for n in numbers
        ]
    }


def test_live_engine_version_missing_in_region_lists_the_regions_versions(rds: tuple[live.AwsContext, Stubber]) -> None:
    ctx, stubber = rds
    stubber.add_response(
        "describe_db_engine_versions",
        {"DBEngineVersions": []},
        {"Engine": "aurora-postgresql", "EngineVersion": "15.4"},
    )
    stubber.add_response(
        "describe_db_engine_versions", _versions("15.10", "15.12", "16.6", "15.13"), {"Engine": "aurora-postgresql"}
    )
    [finding] = live.engine_version(loaded(MINIMAL.replace('"15.8"', '"15.4"')).spec, ctx, None)
    assert finding.code == "LIVE-DB-ENGINE-VERSION"
    assert finding.fix == "available 15.x versions in us-east-1: 15.10, 15.12, 15.13"


def test_live_engine_version_available_passes(rds: tuple[live.AwsContext, Stubber]) -> None:
    ctx, stubber = rds
    stubber.add_response(
        "describe_db_engine_versions", _versions("15.8"), {"Engine": "aurora-postgresql", "EngineVersion": "15.8"}
    )
    assert list(live.engine_version(loaded().spec, ctx, None)) == []


def test_live_instance_class_not_orderable_lists_orderable_ones(rds: tuple[live.AwsContext, Stubber]) -> None:
    ctx, stubber = rds
    text = MINIMAL.replace('"15.8"', '"15.8"\n    instance_class: db.x1.large')
    stubber.add_response(
        "describe_db_engine_versions", _versions("15.8"), {"Engine": "aurora-postgresql", "EngineVersion": "15.8"}
    )
    stubber.add_response(
        "describe_orderable_db_instance_options",
        {"OrderableDBInstanceOptions": []},
        {"Engine": "aurora-postgresql", "EngineVersion": "15.8", "DBInstanceClass": "db.x1.large"},
    )
    stubber.add_response(
        "describe_orderable_db_instance_options",
        {"OrderableDBInstanceOptions": [{"DBInstanceClass": "db.r6g.large"}, {"DBInstanceClass": "db.t4g.medium"}]},
        {"Engine": "aurora-postgresql", "EngineVersion": "15.8", "MaxRecords": 100},
    )
    [finding] = live.instance_class(loaded(text).spec, ctx, None)
    assert (finding.code, finding.message, finding.fix) == (
        "LIVE-DB-INSTANCE-CLASS",
        "db.x1.large cannot be ordered for aurora-postgresql 15.8 in us-east-1",
        "orderable classes include: db.r6g.large, db.t4g.medium",
    )


def test_an_api_the_emulator_does_not_implement_is_one_line_saying_so(moto: str) -> None:
    findings = live.run_checks(loaded().spec, context(moto))
    unsupported = [f for f in findings if f.code == "LIVE-CHECK-UNSUPPORTED"]
    assert [(f.severity, f.message, f.fix) for f in unsupported] == [
        (
            Severity.WARNING,
            f"could not check the Aurora engine version: {moto} does not implement rds:DescribeDBEngineVersions "
            "(it answered with an HTML error page)",
            None,
        ),
        (
            Severity.WARNING,
            f"could not check the database instance class: {moto} does not implement rds:DescribeDBEngineVersions "
            "(it answered with an HTML error page)",
            None,
        ),
    ]


def test_access_denied_becomes_a_warning(rds: tuple[live.AwsContext, Stubber]) -> None:
    ctx, stubber = rds
    stubber.add_client_error("describe_db_engine_versions", service_error_code="AccessDenied", http_status_code=403)
    check = next(c for c in live.CHECKS if c.run is live.engine_version)
    findings = []
    for c in (check,):
        try:
            findings += list(c.run(loaded().spec, ctx, None))
        except Exception as exc:  # what run_checks does, for this one check
            findings.append(live._could_not_run(c, exc.response["Error"]["Code"], str(exc)))  # type: ignore[attr-defined]
    assert findings[0].message == "could not check the Aurora engine version: permission denied (AccessDenied)"


def test_enough_availability_zones_pass(moto: str) -> None:
    assert run_one(live.availability_zones, moto) == []


def test_more_zones_than_the_region_has_is_an_error(moto: str) -> None:
    text = MINIMAL.replace("region: us-east-1", "region: us-west-1").replace(
        "  database:", "  network: {availability_zones: 3}\n  database:"
    )
    [finding] = run_one(live.availability_zones, moto, text)
    assert (finding.code, finding.message, finding.fix) == (
        "LIVE-AZ",
        "us-west-1 has 2 available availability zones; the spec asks for 3",
        "use availability_zones: 2 or less",
    )


def test_elastic_ips_nearly_used_up_block_per_az_nat(moto: str) -> None:
    ec2 = client(moto, "ec2")
    for _ in range(4):
        ec2.allocate_address(Domain="vpc")  # type: ignore[attr-defined]
    text = MINIMAL.replace("  database:", "  network: {nat_gateways: per_az}\n  database:")
    [finding] = run_one(live.elastic_ips, moto, text)
    assert finding.message == (
        "the NAT gateways need 2 more Elastic IPs; 4 of the region's quota of 5 are already allocated "
        "(AddressLimitExceeded)"
    )


def test_elastic_ips_of_our_own_nat_do_not_count_twice(moto: str) -> None:
    ec2 = client(moto, "ec2")
    for _ in range(4):
        allocation = ec2.allocate_address(Domain="vpc")  # type: ignore[attr-defined]
    ec2.create_tags(
        Resources=[allocation["AllocationId"]],
        Tags=[  # type: ignore[attr-defined]
            {"Key": "project", "Value": "saas"},
            {"Key": "environment", "Value": "dev"},
        ],
    )
    assert run_one(live.elastic_ips, moto) == []


def test_vpc_headroom_counts_existing_vpcs(moto: str) -> None:
    ec2 = client(moto, "ec2")
    for index in range(4):
        ec2.create_vpc(CidrBlock=f"10.{index + 1}.0.0/16")  # type: ignore[attr-defined]
    [finding] = run_one(live.vpcs, moto)
    assert finding.message == "5 VPCs already exist in us-east-1, the quota is 5 (VpcLimitExceeded)"


def _with_certificate(arn: str) -> str:
    return MINIMAL.replace("  database:", f"  load_balancer: {{certificate_arn: '{arn}'}}\n  database:")


def test_certificate_not_issued_and_not_covering_a_host(moto: str) -> None:
    acm = client(moto, "acm")
    arn = acm.request_certificate(DomainName="*.other.com")["CertificateArn"]  # type: ignore[attr-defined]
    findings = run_one(live.certificate, moto, _with_certificate(arn))
    assert [(f.code, f.message) for f in findings] == [
        ("LIVE-CERT-STATUS", f"certificate {arn} is PENDING_VALIDATION, not ISSUED"),
        (
            "LIVE-CERT-HOSTS",
            "host acme.example.com of tenant 'acme' is not covered by the certificate (it covers *.other.com)",
        ),
    ]


def test_missing_certificate_is_an_error(moto: str) -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    [finding] = run_one(live.certificate, moto, _with_certificate(arn))
    assert finding.code == "LIVE-CERT-MISSING"


@pytest.mark.parametrize(
    ("pattern", "host", "covered"),
    [
        ("*.example.com", "acme.example.com", True),
        ("*.example.com", "a.b.example.com", False),
        ("*.example.com", "example.com", False),
        ("ACME.example.com", "acme.EXAMPLE.com", True),
    ],
)
def test_wildcard_certificates_cover_one_label(pattern: str, host: str, covered: bool) -> None:
    assert live.covers(pattern, host) is covered


def test_bucket_owned_by_another_account_is_an_error(moto: str) -> None:
    other = client(moto, "s3", **other_account_credentials(moto))
    other.create_bucket(Bucket=ACME.bucket)  # type: ignore[attr-defined]
    [finding] = run_one(live.buckets, moto)
    assert (finding.code, finding.message) == (
        "LIVE-BUCKET-TAKEN",
        f"bucket name {ACME.bucket} is owned by another AWS account (BucketAlreadyExists)",
    )


def test_free_bucket_name_passes(moto: str) -> None:
    assert run_one(live.buckets, moto) == []


def test_an_untagged_bucket_under_the_tenants_name_is_an_error_when_the_tenant_is_not_deployed(moto: str) -> None:
    client(moto, "s3").create_bucket(Bucket=ACME.bucket)  # type: ignore[attr-defined]
    [finding] = run_one(live.buckets, moto, deployed=set())
    assert (finding.severity, finding.code) == (Severity.ERROR, "LIVE-BUCKET-EXISTS")
    assert (
        finding.fix
        == f"delete it if it is not needed: aws s3 rb s3://{ACME.bucket} --force; otherwise rename the tenant"
    )


def _tag_list(tenant: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags("saas", "dev", tenant).items()]


def test_the_tenants_kept_bucket_is_information_that_it_will_be_adopted(moto: str) -> None:
    s3: Any = client(moto, "s3")
    s3.create_bucket(Bucket=ACME.bucket)
    s3.put_bucket_tagging(Bucket=ACME.bucket, Tagging={"TagSet": _tag_list("acme")})
    [finding] = run_one(live.buckets, moto, deployed=set())
    assert (finding.severity, finding.code, finding.message) == (
        Severity.INFO,
        "LIVE-BUCKET-KEPT",
        f"bucket {ACME.bucket} is tenant 'acme''s kept data (from an earlier `tenant destroy`); deploying adopts it "
        "(Pulumi import) instead of creating it",
    )


def test_a_bucket_kept_under_the_name_before_the_account_was_part_of_it_will_be_adopted(moto: str) -> None:
    s3: Any = client(moto, "s3")
    s3.create_bucket(Bucket=ACME.legacy_bucket)
    s3.put_bucket_tagging(Bucket=ACME.legacy_bucket, Tagging={"TagSet": _tag_list("acme")})
    [finding] = run_one(live.buckets, moto, deployed=set())
    assert (finding.code, finding.message.split(" is ")[0]) == ("LIVE-BUCKET-KEPT", f"bucket {ACME.legacy_bucket}")


def test_another_tenants_bucket_under_this_name_is_an_error_naming_the_tag(moto: str) -> None:
    s3: Any = client(moto, "s3")
    s3.create_bucket(Bucket=ACME.bucket)
    s3.put_bucket_tagging(Bucket=ACME.bucket, Tagging={"TagSet": _tag_list("globex")})
    [finding] = run_one(live.buckets, moto, deployed=set())
    assert finding.severity is Severity.ERROR
    assert "is not tenant 'acme''s kept data (tenant=globex (expected acme))" in finding.message


def test_the_tenants_kept_secret_is_information_that_it_will_be_adopted(moto: str) -> None:
    client(moto, "secretsmanager").create_secret(Name=ACME.secret, SecretString="x", Tags=_tag_list("acme"))  # type: ignore[attr-defined]
    [finding] = run_one(live.secrets, moto, deployed=set())
    assert (finding.severity, finding.code) == (Severity.INFO, "LIVE-SECRET-KEPT")


def test_our_own_bucket_of_a_deployed_tenant_passes(moto: str) -> None:
    client(moto, "s3").create_bucket(Bucket=ACME.bucket)  # type: ignore[attr-defined]
    assert run_one(live.buckets, moto, deployed={"acme"}) == []


def test_secret_pending_deletion_is_an_error_with_the_restore_command(moto: str) -> None:
    secrets = client(moto, "secretsmanager")
    secrets.create_secret(Name=ACME.secret, SecretString="x")  # type: ignore[attr-defined]
    secrets.delete_secret(SecretId=ACME.secret, RecoveryWindowInDays=7)  # type: ignore[attr-defined]
    [finding] = run_one(live.secrets, moto)
    assert finding.code == "LIVE-SECRET-PENDING-DELETION"
    assert finding.fix is not None and finding.fix.startswith(
        "restore it: aws secretsmanager restore-secret --secret-id saas-dev/acme/app"
    )


ACME_TAGS = tags("saas", "dev", "acme")  # what saasctl tags every resource of tenant acme with


def test_leftover_log_group_warns_when_deployment_is_unknown(moto: str) -> None:
    client(moto, "logs").create_log_group(logGroupName=ACME.log_group, tags=ACME_TAGS)  # type: ignore[attr-defined]
    [finding] = run_one(live.leftovers, moto)
    assert (finding.severity, finding.message) == (
        Severity.WARNING,
        "log group /saasctl/saas-dev/acme already exists; if tenant 'acme' is not deployed it is left over from an "
        "earlier run and would collide",
    )
    assert finding.fix == "delete it: aws logs delete-log-group --log-group-name /saasctl/saas-dev/acme"


def _role(url: str, name: str, role_tags: dict[str, str]) -> None:
    client(url, "iam").create_role(  # type: ignore[attr-defined]
        RoleName=name, AssumeRolePolicyDocument="{}", Tags=[{"Key": k, "Value": v} for k, v in role_tags.items()]
    )


def test_leftover_role_is_an_error_for_an_undeployed_tenant(moto: str) -> None:
    _role(moto, ACME.task_role, ACME_TAGS)
    [finding] = run_one(live.leftovers, moto, deployed=set())
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith(f"IAM role {ACME.task_role} already exists but tenant 'acme' is not deployed")
    assert finding.fix == f"delete it: aws iam delete-role --role-name {ACME.task_role} (after deleting its policies)"


def test_a_role_another_environment_tags_as_its_own_is_never_offered_for_deletion(moto: str) -> None:
    _role(moto, ACME.task_role, tags("saas-dev", "x", "acme"))
    [finding] = run_one(live.leftovers, moto, deployed=set())
    assert (finding.code, finding.message, finding.fix) == (
        "LIVE-NAME-TAKEN",
        f"IAM role {ACME.task_role} already exists and belongs to environment saas-dev/x, tenant acme (its tags): "
        "creating tenant 'acme''s would fail (already exists)",
        "it is not this environment's: leave it alone and give this tenant (or the project or environment) another "
        "name",
    )


def test_a_log_group_without_saasctls_tags_is_never_offered_for_deletion(moto: str) -> None:
    client(moto, "logs").create_log_group(logGroupName=ACME.log_group)  # type: ignore[attr-defined]
    [finding] = run_one(live.leftovers, moto)
    assert (finding.code, finding.message) == (
        "LIVE-NAME-TAKEN",
        f"log group {ACME.log_group} already exists and was not made by saasctl for this environment (its tags): "
        "creating tenant 'acme''s would fail (already exists)",
    )


def test_a_role_of_the_same_tenant_in_another_region_does_not_collide(moto: str) -> None:
    other = TenantNames("saas", "dev", "eu-west-1", "acme")
    _role(moto, other.task_role, ACME_TAGS)
    _role(moto, other.execution_role, ACME_TAGS)
    assert run_one(live.leftovers, moto, deployed=set()) == []


def test_live_run_reports_mode_and_counts_calls_once_per_list(moto: str) -> None:
    text = MINIMAL + "".join(f"  - name: t{i}\n    priority: {i + 20}\n" for i in range(9))
    report = run(loaded(text), Mode.LIVE, moto)
    assert report.mode is Mode.LIVE
    per_call = report.calls
    assert per_call["s3:HeadBucket"] == 10  # bucket names are global: one HEAD per tenant is unavoidable
    assert per_call["secretsmanager:ListSecrets"] == 1
    assert per_call["logs:DescribeLogGroups"] == 1
    assert per_call["iam:ListRoles"] == 1
    assert per_call["elbv2:DescribeTargetGroups"] == 1


def test_refresh_catalog_stores_the_live_list_which_offline_then_prefers(
    rds: tuple[live.AwsContext, Stubber], tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saas_ctl.preflight import catalog
    from saas_ctl.preflight.offline import check
    from saas_ctl.preflight.run import refresh_catalog

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ctx, stubber = rds
    stubber.add_response(
        "describe_db_engine_versions", _versions("15.10", "15.4", "16.9"), {"Engine": "aurora-postgresql"}
    )
    path = refresh_catalog(loaded(), context=ctx)
    assert path == catalog.cache_file("us-east-1")
    assert "us-east-1" in catalog.load_regions().regions  # the account's Regions (ec2:DescribeRegions), stored too
    assert catalog.load_regions().source == str(catalog.regions_cache_file())
    spec = loaded(MINIMAL.replace('"15.8"', '"15.4"')).spec
    versions_found = [f for f in check(spec, catalog.load("us-east-1")) if f.code.startswith("DB-")]
    assert versions_found == []  # 15.4 is listed live in this (stubbed) region
    [finding] = [f for f in check(loaded().spec, catalog.load("us-east-1")) if f.code.startswith("DB-")]  # 15.8 not
    assert finding.message.startswith(
        f"Aurora PostgreSQL 15.8 is not available according to your refreshed catalogue ({path})"
    )


def _deployed_alb(
    url: str,
    rule_hosts: dict[int, str],
    name: str = "saas-dev-alb",
    cidr: str = "10.9",
    owners: dict[int, str] | None = None,
    groups: dict[int, str] | None = None,
) -> None:
    """An ALB with a listener and one rule per priority, each forwarding to a target group of its own (named as in
    ``groups``), tagged as tenant ``owners[priority]``'s when given (saasctl's default tags)."""
    ec2, elbv2 = client(url, "ec2"), client(url, "elbv2")
    vpc = ec2.create_vpc(CidrBlock=f"{cidr}.0.0/16")["Vpc"]["VpcId"]  # type: ignore[attr-defined]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{cidr}.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"][
            "SubnetId"
        ]  # type: ignore[attr-defined]
        for i, z in enumerate("ab")
    ]
    alb = elbv2.create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]  # type: ignore[attr-defined]
    listener = elbv2.create_listener(  # type: ignore[attr-defined]
        LoadBalancerArn=alb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
    )["Listeners"][0]["ListenerArn"]
    for priority, host in rule_hosts.items():
        group = elbv2.create_target_group(  # type: ignore[attr-defined]
            Name=(groups or {}).get(priority, f"{name}-tg-{priority}"),
            Protocol="HTTP",
            Port=80,
            VpcId=vpc,
            TargetType="ip",
        )["TargetGroups"][0]
        owner = (owners or {}).get(priority)
        owner_tags = [{"Key": k, "Value": v} for k, v in tags("saas", "dev", owner).items()] if owner else []
        elbv2.create_rule(  # type: ignore[attr-defined]
            ListenerArn=listener,
            Priority=priority,
            Conditions=[{"Field": "host-header", "HostHeaderConfig": {"Values": [host]}}],
            Actions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}],
            **({"Tags": owner_tags} if owner_tags else {}),
        )


def test_priority_taken_by_another_rule_on_the_deployed_alb_is_an_error(moto: str) -> None:
    _deployed_alb(moto, {10: "other.example.com", 1: "x.example.com"})
    [finding] = run_one(live.alb_rules, moto)
    assert (finding.code, finding.path, finding.message, finding.fix) == (
        "LIVE-ALB-PRIORITY",
        ("tenants", 0, "priority"),
        "priority 10 is already used on ALB saas-dev-alb by a rule for other.example.com (PriorityInUse)",
        "choose a free priority, for example 2",
    )


def test_the_tenants_own_rule_on_the_deployed_alb_passes(moto: str) -> None:
    _deployed_alb(moto, {10: "acme.example.com"})
    assert run_one(live.alb_rules, moto) == []


def test_the_tenants_own_rule_tagged_as_its_own_is_not_a_conflict_when_its_hosts_change(moto: str) -> None:
    _deployed_alb(moto, {10: "old.example.com"}, owners={10: "acme"})  # the file now gives acme acme.example.com
    assert run_one(live.alb_rules, moto) == []


def test_the_tenants_own_rule_known_by_its_target_group_is_not_a_conflict(moto: str) -> None:
    _deployed_alb(moto, {10: "old.example.com"}, groups={10: "saas-acme-dev-8080"})  # before a port change
    assert run_one(live.alb_rules, moto) == []


def test_another_tenants_rule_at_the_priority_is_still_a_conflict(moto: str) -> None:
    _deployed_alb(moto, {10: "old.example.com"}, owners={10: "globex"})  # globex is not in the file
    [finding] = run_one(live.alb_rules, moto)
    assert finding.code == "LIVE-ALB-PRIORITY"


def test_a_priority_whose_tenant_moves_away_in_the_same_run_is_not_a_conflict(moto: str) -> None:
    # globex held priority 10 with www.example.com; the file moves globex to 11 and gives 10 to acme, with the host.
    _deployed_alb(moto, {10: "www.example.com"}, owners={10: "globex"})
    text = MINIMAL.replace("    priority: 10\n", "    priority: 10\n    hosts: [www.example.com, acme.example.com]\n")
    text = text.replace("tenants:\n", "tenants:\n  - name: globex\n    priority: 11\n    hosts: [globex.example.com]\n")
    [finding] = run_one(live.alb_rules, moto, text)
    assert (finding.severity, finding.code, finding.path) == (
        Severity.INFO,
        "LIVE-ALB-PRIORITY-MOVES",
        ("tenants", 1, "priority"),
    )
    assert finding.message == (
        "priority 10 on ALB saas-dev-alb is tenant 'globex''s rule, which this run moves to priority 11; if tenant "
        "'acme''s deploy meets PriorityInUse first, deploy it again"
    )


def test_no_deployed_alb_means_nothing_to_check_live(moto: str) -> None:
    assert run_one(live.alb_rules, moto) == []


def _with_dns(dns: str) -> str:
    return MINIMAL.replace("  domain: example.com\n", f"  domain: example.com\n  dns: {dns}\n")


def test_a_hosted_zone_that_exists_and_holds_every_host_passes(moto: str) -> None:
    client(moto, "route53").create_hosted_zone(Name="example.com", CallerReference="1")  # type: ignore[attr-defined]
    assert run_one(live.hosted_zone, moto, _with_dns("{zone_name: example.com}")) == []


def test_a_missing_hosted_zone_is_an_error(moto: str) -> None:
    [finding] = run_one(live.hosted_zone, moto, _with_dns("{zone_name: example.com}"))
    assert (finding.code, finding.message) == ("DNS-ZONE", "there is no public hosted zone example.com in this account")


def test_a_zone_given_by_id_is_checked_against_the_hosts(moto: str) -> None:
    zone = client(moto, "route53").create_hosted_zone(Name="example.org", CallerReference="1")  # type: ignore[attr-defined]
    zone_id = zone["HostedZone"]["Id"].split("/")[-1]
    [finding] = run_one(live.hosted_zone, moto, _with_dns(f"{{zone_id: {zone_id}}}"))
    assert (finding.code, finding.message) == (
        "DNS-HOST-OUTSIDE-ZONE",
        "host acme.example.com of tenant 'acme' is not inside the hosted zone example.org",
    )


def _zone_with(url: str, *records: dict[str, Any]) -> str:
    route53: Any = client(url, "route53")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="1")["HostedZone"]["Id"]
    for record in records:
        route53.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": record}]}
        )
    return str(zone)


def _a_record(name: str, value: str = "192.0.2.10") -> dict[str, Any]:
    return {"Name": name, "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": value}]}


def test_an_a_record_already_at_a_tenants_host_is_refused_naming_take_over(moto: str) -> None:
    _zone_with(moto, _a_record("acme.example.com"))
    [finding] = run_one(live.existing_records, moto, _with_dns("{zone_name: example.com}"))
    assert (finding.severity, finding.code, finding.path, finding.message, finding.fix) == (
        Severity.ERROR,
        "DNS-RECORD-EXISTS",
        ("tenants", 0, "name"),
        "host acme.example.com of tenant 'acme' already has an A record (192.0.2.10) that this environment did not "
        "make: creating the tenant's alias record would fail (Route 53: it already exists)",
        "set platform.dns.take_over: true to replace it with the tenant's record, or delete it, or choose another host",
    )


def test_with_take_over_an_a_record_at_a_tenants_host_is_a_warning_that_it_will_be_replaced(moto: str) -> None:
    _zone_with(moto, _a_record("ACME.example.com."))
    [finding] = run_one(live.existing_records, moto, _with_dns("{zone_name: example.com, take_over: true}"))
    assert (finding.severity, finding.code) == (Severity.WARNING, "DNS-RECORD-TAKE-OVER")


def test_a_cname_at_a_tenants_host_is_refused_even_with_take_over(moto: str) -> None:
    cname = {"Name": "acme.example.com", "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": "x.example.org"}]}
    _zone_with(moto, cname)
    [finding] = run_one(live.existing_records, moto, _with_dns("{zone_name: example.com, take_over: true}"))
    assert (finding.code, finding.fix) == (
        "DNS-RECORD-CNAME",
        "delete that CNAME record in the hosted zone yourself, or choose another host for tenant 'acme'",
    )


def test_the_environments_own_alias_record_at_a_tenants_host_is_not_a_conflict(moto: str) -> None:
    _deployed_alb(moto, {})
    balancer = client(moto, "elbv2").describe_load_balancers(Names=["saas-dev-alb"])["LoadBalancers"][0]  # type: ignore[attr-defined]
    alias = {
        "Name": "acme.example.com",
        "Type": "A",
        "AliasTarget": {
            "HostedZoneId": balancer["CanonicalHostedZoneId"],
            "DNSName": f"dualstack.{balancer['DNSName']}.",
            "EvaluateTargetHealth": True,
        },
    }
    _zone_with(moto, alias, {**_a_record("other.example.com")})
    assert run_one(live.existing_records, moto, _with_dns("{zone_name: example.com}")) == []


def test_records_of_other_types_at_a_tenants_host_do_not_conflict(moto: str) -> None:
    txt = {"Name": "acme.example.com", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '"v=spf1 -all"'}]}
    _zone_with(moto, txt)
    assert run_one(live.existing_records, moto, _with_dns("{zone_name: example.com}")) == []


def test_a_wildcard_record_as_route_53_lists_it_is_matched_to_the_wildcard_host() -> None:
    from saas_ctl.preflight.live.dns import record_name

    assert record_name("\\052.Acme.example.com.") == "*.acme.example.com"


# ---- cells and the fleet's quotas ---------------------------------------------------------------------------


def test_a_priority_taken_on_a_second_cells_alb_is_reported_for_that_cell(moto: str) -> None:
    _deployed_alb(moto, {})  # cell 1, empty
    _deployed_alb(moto, {1: "other.example.com"}, name="saas-dev-alb-2", cidr="10.8")
    text = fleet_yaml(2, tenants_per_cell=1)  # t0002 is in cell 2 with priority 1
    [finding] = run_one(live.alb_rules, moto, text)
    assert (finding.path, finding.message, finding.fix) == (
        ("tenants", 1, "priority"),
        "priority 1 is already used on ALB saas-dev-alb-2 by a rule for other.example.com (PriorityInUse)",
        "choose a free priority in cell 2, for example 2",
    )


def test_other_albs_in_the_region_count_against_the_alb_quota(moto: str) -> None:
    _deployed_alb(moto, {}, name="someone-else", cidr="10.7")
    _deployed_alb(moto, {}, name="saas-dev-alb", cidr="10.8")  # ours: cell 1
    text = fleet_yaml(2, tenants_per_cell=1, platform="quotas: {application_load_balancers: 2}")
    [finding] = run_one(live.load_balancing_capacity, moto, text)
    assert (finding.code, finding.message) == (
        "LIVE-FLEET-ALBS",
        "1 other ALBs are in us-east-1 and the fleet runs 2 cells, so 1 cells fit; Application Load Balancers per "
        "Region is 2 (platform.quotas.application_load_balancers)",
    )
    assert finding.fix == "request a higher quota (elasticloadbalancing L-53DA6B97) or shrink the fleet"


def test_other_target_groups_in_the_region_count_against_its_quota(moto: str) -> None:
    _deployed_alb(moto, {1: "a.example.com", 2: "b.example.com"}, name="someone-else", cidr="10.7")
    [finding] = run_one(live.load_balancing_capacity, moto, fleet_yaml(2, platform="quotas: {target_groups: 3}"))
    assert finding.message.startswith("2 other target groups are in us-east-1 and the 2 tenants need one each, so 1")


def _applied_quotas(ctx: live.AwsContext, values: dict[str, float]) -> Stubber:
    quotas = boto3.client("service-quotas", region_name=REGION)
    stubber = Stubber(quotas)
    for code, value in values.items():
        service = {"L-3032A538": "fargate", "L-9EF96962": "ecs", "L-DF5E4CA3": "vpc"}[code]
        stubber.add_response(
            "get_service_quota",
            {"Quota": {"QuotaCode": code, "Value": value}},
            {"ServiceCode": service, "QuotaCode": code},
        )
    ctx.clients["service-quotas"] = quotas
    return stubber


def test_the_iam_role_quota_is_read_where_service_quotas_keeps_global_quotas(moto: str) -> None:
    """IAM's quotas are global: Service Quotas answers for them in us-east-1 only (terraform-provider-aws#19735),
    so a fleet in eu-west-1 asks us-east-1 for L-FE177D64 and its own Region for the rest."""
    spec = loaded(fleet_yaml(2).replace("region: us-east-1", "region: eu-west-1")).spec
    ctx = context(moto, "eu-west-1")
    regional, home = ctx.client("service-quotas"), ctx.client("service-quotas", "us-east-1")
    assert (regional.meta.region_name, home.meta.region_name) == ("eu-west-1", "us-east-1")
    with Stubber(regional) as in_region, Stubber(home) as in_home:
        for service, code in (("vpc", "L-0EA8095F"), ("elasticloadbalancing", "L-7E6692B2")):
            in_region.add_response(
                "get_service_quota",
                {"Quota": {"QuotaCode": code, "Value": 1000}},
                {"ServiceCode": service, "QuotaCode": code},
            )
        in_home.add_response(
            "get_service_quota",
            {"Quota": {"QuotaCode": "L-FE177D64", "Value": 3}},
            {"ServiceCode": "iam", "QuotaCode": "L-FE177D64"},
        )
        found = list(live.resource_quotas(spec, ctx, None))
        in_region.assert_no_pending_responses()
        in_home.assert_no_pending_responses()
    assert [(f.code, f.message) for f in found] == [
        (
            "LIVE-FLEET-IAM-ROLES",
            "2 tenants need 4 IAM roles (2 each); Roles per account is 3 (your account's quota), counted across every "
            "environment and region of the account, so 1 tenants fit",
        )
    ]


def test_the_accounts_applied_fargate_quota_refuses_a_fleet_that_exceeds_it(moto: str) -> None:
    spec = loaded(fleet_yaml(10)).spec  # 40 tasks, 10 vCPUs at maximum
    ctx = context(moto)
    with _applied_quotas(ctx, {"L-3032A538": 6, "L-9EF96962": 5000, "L-DF5E4CA3": 5000}):
        [finding] = list(live.compute_capacity(spec, ctx, None))
    assert (finding.code, finding.message) == (
        "LIVE-FLEET-FARGATE-VCPU",
        "at every tenant's autoscaling maximum the fleet runs 40 tasks with 10 vCPUs, so about 6 tenants of this "
        "average size fit; Fargate On-Demand vCPU resource count is 6 (your account's quota)",
    )


def test_a_fleet_within_the_accounts_quotas_passes(moto: str) -> None:
    spec = loaded(fleet_yaml(10)).spec
    ctx = context(moto)
    with _applied_quotas(ctx, {"L-3032A538": 4000, "L-9EF96962": 5000, "L-DF5E4CA3": 5000}):
        assert list(live.compute_capacity(spec, ctx, None)) == []


def test_an_unreachable_endpoint_is_one_error_in_live_mode() -> None:
    report = run(loaded(), Mode.LIVE, "http://127.0.0.1:9")  # the discard port: nothing listens
    live_findings = [f for f in report.findings if f.code.startswith("LIVE")]
    assert [(f.code, f.severity) for f in live_findings] == [("LIVE-UNREACHABLE", Severity.ERROR)]
    assert live_findings[0].message.startswith("could not reach http://127.0.0.1:9 (EndpointConnectionError")


def test_an_unreachable_endpoint_is_one_warning_in_auto_mode() -> None:
    report = run(loaded(), Mode.AUTO, "http://127.0.0.1:9")
    assert [(f.code, f.severity) for f in report.findings if f.code.startswith("LIVE")] == [
        ("LIVE-UNREACHABLE", Severity.WARNING)
    ]
    assert report.mode is Mode.OFFLINE


def test_other_roles_in_the_account_count_against_the_role_quota(moto: str) -> None:
    iam = boto3.client("iam", endpoint_url=moto, region_name=REGION)
    for name in ("other-env-a", "other-env-b", "other-env-c"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")
    findings = run_one(live.resource_quotas, moto, fleet_yaml(2, platform="quotas: {iam_roles: 6}"))
    assert [(f.code, f.message) for f in findings] == [
        (
            "LIVE-FLEET-IAM-ROLES",
            "2 tenants need 4 IAM roles (2 each); 3 other roles are in the account; Roles per account is 6 "
            "(platform.quotas.iam_roles), counted across every environment and region of the account, so 1 tenants "
            "fit",
        )
    ]


def test_the_accounts_rules_quota_is_read_from_service_quotas(moto: str) -> None:
    spec = loaded(fleet_yaml(2)).spec
    ctx = context(moto)
    quotas = boto3.client("service-quotas", region_name=REGION)
    with Stubber(quotas) as stubber:
        for service, code, value in (
            ("vpc", "L-0EA8095F", 3),
            ("elasticloadbalancing", "L-7E6692B2", 1000),
            ("iam", "L-FE177D64", 1000),
        ):
            stubber.add_response(
                "get_service_quota",
                {"Quota": {"QuotaCode": code, "Value": value}},
                {"ServiceCode": service, "QuotaCode": code},
            )
        ctx.clients["service-quotas"] = quotas
        found = list(live.resource_quotas(spec, ctx, None))
    assert [(f.code, f.message) for f in found] == [
        (
            "LIVE-FLEET-SECURITY-GROUP-RULES",
            "the alb security group holds 4 ingress rules; Inbound or outbound rules per security group is 3 (your "
            "account's quota)",
        )
    ]
