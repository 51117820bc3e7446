"""Policies of the tenant program, checked on what it declares under mocks."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra import aws_limits as limits
from infra.inputs import PreviousCell
from infra.tenant.kept import KeptData
from saas_ctl.engine.synth.engine import Synthesis, synthesize
from saas_ctl.engine.synth.mocks import short_id
from saas_ctl.stacks import targets
from tests.conftest import EXAMPLE, MINIMAL, fleet_yaml, spec_of
from tests.infra.conftest import of_type, one, policy, synth_tenant, uses_stack_provider

BUCKET = "saas-acme-dev-2f6e043f"  # the hash of saas, us-east-1, dev, acme and the platform's account 123456789012
LEGACY_BUCKET = "saas-acme-dev-5e68bd74"  # the same without the account, as tenants created before it are named


def test_bucket_is_named_for_tenant_environment_and_the_platforms_account(acme: Synthesis) -> None:
    assert one(acme, "aws:s3/bucket:Bucket").inputs["bucket"] == BUCKET


def test_a_deployed_bucket_and_its_roles_keep_the_names_they_have(acme: Synthesis) -> None:
    # A stack deployed before the account (bucket) and the Region (roles) were part of these names keeps them: the
    # engine compares the old name, not the new one (tests/integration/test_environments.py shows it).
    named = [*of_type(acme, "aws:s3/bucket:Bucket"), *of_type(acme, "aws:iam/role:Role")]
    assert {r.name: r.options["ignoreChanges"] for r in named} == {
        "storage-bucket": ["bucket"],
        "iam-execution": ["name"],
        "iam-task": ["name"],
    }


def test_kept_data_under_a_legacy_bucket_name_is_adopted_under_that_name(example: str) -> None:
    synthesis = _synth_tenant(example, kept=KeptData(bucket=LEGACY_BUCKET))
    bucket = one(synthesis, "aws:s3/bucket:Bucket")
    assert (bucket.inputs["bucket"], bucket.options["import"]) == (LEGACY_BUCKET, LEGACY_BUCKET)


def test_the_task_role_trusts_only_ecs_tasks_of_the_platforms_account_and_region(acme: Synthesis) -> None:
    task = next(r for r in of_type(acme, "aws:iam/role:Role") if r.name == "iam-task")
    assert json.loads(task.inputs["assumeRolePolicy"])["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnLike": {"aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*"},
                "StringEquals": {"aws:SourceAccount": "123456789012"},
            },
        }
    ]


def test_the_tenant_stack_records_its_project_environment_region_and_account(acme: Synthesis) -> None:
    assert acme.outputs["owner"] == {
        "project": "saas",
        "environment": "dev",
        "region": "us-east-1",
        "account": "123456789012",
    }


def test_bucket_keeps_data_unless_deletion_is_asked_for(acme: Synthesis) -> None:
    assert one(acme, "aws:s3/bucket:Bucket").inputs["forceDestroy"] is False


def test_bucket_blocks_every_kind_of_public_access(acme: Synthesis) -> None:
    block = one(acme, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert {
        k: block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    } == {
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
    }


def test_bucket_is_encrypted_with_kms_and_a_bucket_key(acme: Synthesis) -> None:
    [rule] = one(acme, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs[
        "rules"
    ]
    assert rule == {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}, "bucketKeyEnabled": True}


def test_bucket_is_versioned(acme: Synthesis) -> None:
    versioning = one(acme, "aws:s3/bucketVersioning:BucketVersioning").inputs
    assert versioning["versioningConfiguration"] == {"status": "Enabled"}


def test_bucket_ownership_is_enforced_for_the_owner(acme: Synthesis) -> None:
    controls = one(acme, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert controls["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


def test_bucket_policy_denies_requests_without_tls(acme: Synthesis) -> None:
    [statement] = policy(one(acme, "aws:s3/bucketPolicy:BucketPolicy"))["Statement"]
    assert statement == {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def test_log_group_uses_the_platform_retention(acme: Synthesis) -> None:
    logs = one(acme, "aws:cloudwatch/logGroup:LogGroup").inputs
    assert (logs["name"], logs["retentionInDays"]) == ("/saasctl/saas-dev/acme", 30.0)


def test_secret_value_is_never_in_plain_text(acme: Synthesis) -> None:
    version = one(acme, "aws:secretsmanager/secretVersion:SecretVersion").inputs
    assert version["secretString"] == "[secret]"
    assert "secret_arn" in acme.outputs and "app_secret" not in json.dumps(acme.outputs)


def test_secret_has_a_recovery_window(acme: Synthesis) -> None:
    secret = one(acme, "aws:secretsmanager/secret:Secret").inputs
    assert (secret["name"], secret["recoveryWindowInDays"]) == ("saas-dev/acme/app", 30.0)


def test_task_definition_is_fargate_awsvpc_with_effective_size(acme: Synthesis) -> None:
    task = one(acme, "aws:ecs/taskDefinition:TaskDefinition").inputs
    assert {k: task[k] for k in ("family", "cpu", "memory", "networkMode", "requiresCompatibilities")} == {
        "family": "saas-acme-dev",
        "cpu": "512",
        "memory": "1024",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
    }


def test_container_gets_image_port_environment_secrets_and_awslogs(acme: Synthesis) -> None:
    [container] = json.loads(one(acme, "aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    assert container["image"] == "public.ecr.aws/nginx/nginx:stable"
    assert container["portMappings"] == [{"containerPort": 80, "protocol": "tcp"}]
    assert container["environment"] == [
        {"name": "DB_HOST", "value": "saas-dev-aurora.cluster-0.us-east-1.rds.amazonaws.com"},
        {"name": "DB_NAME", "value": "tenant_acme"},
        {"name": "DB_PORT", "value": "5432"},
        {"name": "DB_READER_HOST", "value": "saas-dev-aurora.cluster-ro-0.us-east-1.rds.amazonaws.com"},
        {"name": "DB_USER", "value": "tenant_acme"},
        {"name": "FEATURE_FLAGS", "value": "beta"},
    ]
    [secret] = container["secrets"]
    assert secret["name"] == "APP_SECRET"
    assert secret["valueFrom"].startswith("arn:aws:secretsmanager:us-east-1:123456789012:secret:saas-dev/acme/app-")
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/saasctl/saas-dev/acme"


def test_service_runs_privately_behind_its_target_group_with_rollback(acme: Synthesis) -> None:
    service = one(acme, "aws:ecs/service:Service").inputs
    assert service["networkConfiguration"]["assignPublicIp"] is False
    assert service["networkConfiguration"]["securityGroups"] == [
        "sg-00000000000000001",
        short_id("securitygroup", "saas-acme-dev-service"),
    ]
    assert service["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service["launchType"] == "FARGATE"
    [balancer] = service["loadBalancers"]
    assert (balancer["containerName"], balancer["containerPort"]) == ("app", 80.0)
    assert balancer["targetGroupArn"].endswith(":targetgroup/saas-acme-dev-80/0")


def test_service_waits_for_its_listener_rule(acme: Synthesis) -> None:
    service = one(acme, "aws:ecs/service:Service")
    assert any(urn.endswith("aws:lb/listenerRule:ListenerRule::routing-cell1-rule") for urn in service.depends_on)


def test_target_group_is_ip_typed_with_a_health_check(acme: Synthesis) -> None:
    group = one(acme, "aws:lb/targetGroup:TargetGroup").inputs
    assert (group["targetType"], group["port"], group["protocol"], group["healthCheck"]["path"]) == (
        "ip",
        80.0,
        "HTTP",
        "/",
    )


def test_listener_rule_routes_the_tenant_hosts_at_its_priority(acme: Synthesis) -> None:
    rule = one(acme, "aws:lb/listenerRule:ListenerRule").inputs
    assert rule["priority"] == 10.0
    assert rule["conditions"] == [{"hostHeader": {"values": ["acme.example.com"]}}]
    assert rule["listenerArn"].endswith(":listener/app/saas-dev-alb/0/0")


def test_autoscaling_tracks_cpu_between_min_and_max(acme: Synthesis) -> None:
    target = one(acme, "aws:appautoscaling/target:Target").inputs
    scaling = one(acme, "aws:appautoscaling/policy:Policy").inputs
    assert (target["minCapacity"], target["maxCapacity"], target["resourceId"]) == (
        1.0,
        4.0,
        "service/saas-dev/saas-acme-dev",
    )
    tracking = scaling["targetTrackingScalingPolicyConfiguration"]
    assert (tracking["targetValue"], tracking["predefinedMetricSpecification"]["predefinedMetricType"]) == (
        60.0,
        "ECSServiceAverageCPUUtilization",
    )


def test_tenant_outputs_name_its_resources_and_urls(acme: Synthesis) -> None:
    assert acme.outputs == {
        "owner": {"project": "saas", "environment": "dev", "region": "us-east-1", "account": "123456789012"},
        "bucket_name": BUCKET,
        "service_name": "saas-acme-dev",
        "log_group_name": "/saasctl/saas-dev/acme",
        "secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:saas-dev/acme/app-AbCdEf",
        "target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/saas-acme-dev-80/0",
        "task_definition_arn": "arn:aws:ecs:us-east-1:123456789012:task-definition/saas-acme-dev:1",
        "urls": ["http://acme.example.com"],
        "cell": 1,
        "suspended": False,
        "load_balancer_dns_name": "saas-dev-alb-0.us-east-1.elb.amazonaws.com",
        "container_port": 80,
    }


def test_default_tags_carry_tenant_environment_and_cost_tags(acme: Synthesis) -> None:
    tags = json.loads(one(acme, "pulumi:providers:aws").inputs["defaultTags"])["tags"]
    assert tags == {
        "cost-center": "platform",
        "plan": "enterprise",
        "project": "saas",
        "environment": "dev",
        "managed-by": "saasctl",
        "tenant": "acme",
    }


def test_every_aws_resource_uses_the_tagged_provider(acme: Synthesis) -> None:
    assert [r.name for r in acme.resources if r.type.startswith("aws:") and not uses_stack_provider(r)] == []


def _two_tenants() -> str:
    return MINIMAL + "  - name: globex\n    priority: 11\n"


def _arns_and_names(synthesis: Synthesis) -> list[str]:
    found = []
    for resource in of_type(synthesis, "aws:iam/rolePolicy:RolePolicy"):
        for statement in policy(resource)["Statement"]:
            found += statement["Resource"]
    return found


def test_tenant_policies_name_only_the_tenants_own_resources() -> None:
    acme = _arns_and_names(synth_tenant(_two_tenants(), "acme"))
    assert sorted(set(acme)) == [
        "arn:aws:logs:us-east-1:123456789012:log-group:/saasctl/saas-dev/acme:*",
        "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-PLACEHOLDER/tenant_acme",
        f"arn:aws:s3:::{BUCKET}",
        f"arn:aws:s3:::{BUCKET}/*",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:saas-dev/acme/app-AbCdEf",
    ]


def test_tenant_policies_never_mention_another_tenant() -> None:
    acme = synth_tenant(_two_tenants(), "acme")
    globex = synth_tenant(_two_tenants(), "globex")
    acme_text = json.dumps([policy(r) for r in of_type(acme, "aws:iam/rolePolicy:RolePolicy")])
    globex_text = json.dumps([policy(r) for r in of_type(globex, "aws:iam/rolePolicy:RolePolicy")])
    assert "globex" not in acme_text
    assert "acme" not in globex_text


def _wildcard_actions(synthesis: Synthesis) -> list[str]:
    return sorted(
        action
        for resource in of_type(synthesis, "aws:iam/rolePolicy:RolePolicy")
        for statement in policy(resource)["Statement"]
        if statement["Resource"] == ["*"]
        for action in statement["Action"]
    )


def test_a_public_image_needs_no_ecr_permission_at_all() -> None:
    acme = synth_tenant(_two_tenants(), "acme")
    actions = [
        a for r in of_type(acme, "aws:iam/rolePolicy:RolePolicy") for s in policy(r)["Statement"] for a in s["Action"]
    ]
    assert [a for a in actions if a.startswith("ecr:")] == []
    assert _wildcard_actions(acme) == []


PRIVATE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/acme-api:1.4.2"


def test_a_private_ecr_image_may_be_pulled_from_its_own_repository_only() -> None:
    acme = synth_tenant(_two_tenants().replace("  - name: acme\n", f"  - name: acme\n    image: {PRIVATE}\n"), "acme")
    execution = next(r for r in of_type(acme, "aws:iam/rolePolicy:RolePolicy") if r.name == "iam-execution")
    pull = next(s for s in policy(execution)["Statement"] if s["Sid"] == "PullTenantImage")
    assert pull["Resource"] == ["arn:aws:ecr:us-east-1:123456789012:repository/team/acme-api"]
    assert _wildcard_actions(acme) == ["ecr:GetAuthorizationToken"]  # it has no resource-level permissions


@pytest.mark.parametrize(
    ("image", "arn"),
    [
        (PRIVATE, "arn:aws:ecr:us-east-1:123456789012:repository/team/acme-api"),
        (
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app@sha256:" + "a" * 64,
            "arn:aws-cn:ecr:cn-north-1:123456789012:repository/app",
        ),
        (
            "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/app:1",
            "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app",
        ),
        ("".join(chr(0x0660 + int(d)) for d in "123456789012") + ".dkr.ecr.us-east-1.amazonaws.com/app:1", None),
        ("public.ecr.aws/nginx/nginx:stable", None),
        ("nginx:1.27", None),
        ("ghcr.io/acme/api:2", None),
    ],
)
def test_the_repository_of_an_image(image: str, arn: str | None) -> None:
    from infra.policies import ecr_repository_arn

    assert ecr_repository_arn(image) == arn


def test_longest_allowed_tenant_name_fits_every_aws_name_limit() -> None:
    name = "a" * 45  # max_tenant_name_length("saas", "dev", "us-east-1")
    synthesis = synth_tenant(MINIMAL.replace("name: acme", f"name: {name}"), name)
    checks = [
        (one(synthesis, "aws:s3/bucket:Bucket").inputs["bucket"], limits.S3_BUCKET),
        (one(synthesis, "aws:lb/targetGroup:TargetGroup").inputs["name"], limits.TARGET_GROUP),
        (one(synthesis, "aws:cloudwatch/logGroup:LogGroup").inputs["name"], limits.LOG_GROUP),
        (one(synthesis, "aws:secretsmanager/secret:Secret").inputs["name"], limits.SECRET),
        (one(synthesis, "aws:ecs/service:Service").inputs["name"], limits.ECS_NAME),
        (one(synthesis, "aws:ecs/taskDefinition:TaskDefinition").inputs["family"], limits.ECS_NAME),
        *[(r.inputs["name"], limits.IAM_ROLE) for r in of_type(synthesis, "aws:iam/role:Role")],
    ]
    for value, rule in checks:
        assert len(value) <= rule.max_length and re.fullmatch(rule.pattern, value), f"{rule.kind}: {value!r}"
    assert len(one(synthesis, "aws:s3/bucket:Bucket").inputs["bucket"]) == 63


# ---- day 2: what destroy, re-add and change do -------------------------------------------------------------

DATA_TYPES = (
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:secretsmanager/secret:Secret",
    "aws:secretsmanager/secretVersion:SecretVersion",
)


def _synth_tenant(spec_text: str, name: str = "acme", **kwargs: Any) -> Synthesis:
    spec = spec_of(spec_text)
    return synthesize(targets.tenant_target(spec, name, targets.placeholder_platform(spec), **kwargs))


def test_kept_data_is_retained_with_every_setting_that_protects_it(acme: Synthesis) -> None:
    retained = sorted(r.type for r in acme.resources if r.options.get("retainOnDelete"))
    assert retained == sorted(DATA_TYPES)


def test_nothing_is_retained_when_data_is_to_be_deleted(example: str) -> None:
    synthesis = _synth_tenant(example, delete_data=True)
    assert [r.name for r in synthesis.resources if r.options.get("retainOnDelete")] == []
    assert one(synthesis, "aws:s3/bucket:Bucket").inputs["forceDestroy"] is True
    assert one(synthesis, "aws:secretsmanager/secret:Secret").inputs["recoveryWindowInDays"] == 0.0


def test_a_new_tenant_imports_nothing(acme: Synthesis) -> None:
    assert [r.name for r in acme.resources if r.options.get("import")] == []


def test_kept_data_is_adopted_by_import_with_the_providers_import_ids(example: str) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:saas-dev/acme/app-Q1w2E3"
    kept = KeptData(bucket=BUCKET, secret_arn=arn, secret_version_id="v-1")
    synthesis = _synth_tenant(example, kept=kept)
    imports = {r.type: r.options["import"] for r in synthesis.resources if r.options.get("import")}
    assert imports == {
        **{t: BUCKET for t in DATA_TYPES if t.startswith("aws:s3/")},
        "aws:secretsmanager/secret:Secret": arn,
        "aws:secretsmanager/secretVersion:SecretVersion": f"{arn}|v-1",
    }


def test_the_secret_value_is_written_once_and_never_rotated_by_a_deploy(acme: Synthesis) -> None:
    version = one(acme, "aws:secretsmanager/secretVersion:SecretVersion")
    assert version.options["ignoreChanges"] == ["secretString"]


def test_tenant_owns_its_port_from_the_alb_only(acme: Synthesis) -> None:
    group = one(acme, "aws:ec2/securityGroup:SecurityGroup").inputs
    ingress = one(acme, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs
    own, alb = short_id("securitygroup", "saas-acme-dev-service"), "sg-00000000000000002"
    assert group["name"] == "saas-acme-dev-service"
    assert (
        ingress["securityGroupId"],
        ingress["referencedSecurityGroupId"],
        ingress["fromPort"],
        ingress["toPort"],
    ) == (
        own,
        alb,
        80.0,
        80.0,
    )


def test_a_tenant_adds_no_rule_to_a_shared_security_group(acme: Synthesis) -> None:
    own = short_id("securitygroup", "saas-acme-dev-service")
    rules = [
        *of_type(acme, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
        *of_type(acme, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"),
    ]
    assert [rule.inputs["securityGroupId"] for rule in rules] == [own]


def test_a_new_container_port_means_a_new_target_group_name_and_new_rules(example: str) -> None:
    changed = _synth_tenant(example.replace("    cpu: 512\n", "    cpu: 512\n    container_port: 8080\n"))
    assert one(changed, "aws:lb/targetGroup:TargetGroup").inputs["name"] == "saas-acme-dev-8080"
    ingress = one(changed, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").inputs
    assert (ingress["fromPort"], ingress["toPort"]) == (8080.0, 8080.0)


def test_a_replaced_target_group_is_created_before_the_old_one_is_deleted(acme: Synthesis) -> None:
    assert one(acme, "aws:lb/targetGroup:TargetGroup").options["deleteBeforeReplace"] is False


def test_resources_saasctl_does_not_decide_for_are_replaced_as_the_provider_says(acme: Synthesis) -> None:
    assert one(acme, "aws:lb/listenerRule:ListenerRule").options["deleteBeforeReplace"] is None


def test_task_definition_waits_for_the_roles_policies(acme: Synthesis) -> None:
    task = one(acme, "aws:ecs/taskDefinition:TaskDefinition")
    policies = [urn.rsplit("::", 1)[-1] for urn in task.options["dependsOn"] if "aws:iam/rolePolicy:RolePolicy" in urn]
    assert sorted(policies) == ["iam-execution", "iam-task"]


# ---- DNS ---------------------------------------------------------------------------------------------------

DNS_SPEC = MINIMAL.replace("  domain: example.com\n", "  domain: example.com\n  dns: {zone_id: Z0123456789ABC}\n") + (
    "    hosts: [acme.example.com, www.acme.example.com]\n"
)


def test_without_dns_no_record_is_created(acme: Synthesis) -> None:
    assert of_type(acme, "aws:route53/record:Record") == []


def test_with_dns_every_host_gets_an_alias_record_at_the_load_balancer() -> None:
    synthesis = _synth_tenant(DNS_SPEC)
    records = {r.inputs["name"]: r.inputs for r in of_type(synthesis, "aws:route53/record:Record")}
    assert sorted(records) == ["acme.example.com", "www.acme.example.com"]
    for record in records.values():
        assert (record["zoneId"], record["type"]) == ("Z0123456789ABC", "A")
        assert record["aliases"] == [
            {
                "name": "saas-dev-alb-0.us-east-1.elb.amazonaws.com",
                "zoneId": "Z35SXDOTRQ7X7K",
                "evaluateTargetHealth": True,
            }
        ]


def test_a_record_at_a_tenants_host_is_created_not_overwritten_by_default() -> None:
    records = of_type(_synth_tenant(DNS_SPEC), "aws:route53/record:Record")
    assert [r.inputs.get("allowOverwrite") for r in records] == [None, None]


def test_take_over_replaces_a_record_already_at_a_tenants_host() -> None:
    spec = DNS_SPEC.replace("{zone_id: Z0123456789ABC}", "{zone_id: Z0123456789ABC, take_over: true}")
    records = of_type(_synth_tenant(spec), "aws:route53/record:Record")
    assert [r.inputs["allowOverwrite"] for r in records] == [True, True]


# ---- redeploy ------------------------------------------------------------------------------------------------


def test_a_redeploy_forces_a_new_deployment_through_a_new_trigger(example: str) -> None:
    service = one(_synth_tenant(example, redeploy="20261201T120000Z"), "aws:ecs/service:Service").inputs
    assert (service["forceNewDeployment"], service["triggers"]) == (True, {"redeploy": "20261201T120000Z"})


def test_without_a_redeploy_the_service_has_no_trigger_and_forces_nothing(acme: Synthesis) -> None:
    service = one(acme, "aws:ecs/service:Service").inputs
    assert ("forceNewDeployment" in service, "triggers" in service) == (False, False)


MOVING = fleet_yaml(3, tenants_per_cell=2).replace("priority: 1\n    cell: 1", "priority: 2\n    cell: 2", 1)


def _moving_t0001() -> Synthesis:
    """t0001's first pass of `tenant move t0001 --cell 2`: the file's new cell and priority, from cell 1 at 1."""
    spec = spec_of(MOVING)
    platform = targets.placeholder_platform(spec)
    return synthesize(targets.tenant_target(spec, "t0001", platform, previous_cell=PreviousCell(1, 1)))


def test_a_moving_tenant_has_a_target_group_and_a_listener_rule_in_both_cells() -> None:
    moving = _moving_t0001()
    groups = {r.name: r.inputs["name"] for r in of_type(moving, "aws:lb/targetGroup:TargetGroup")}
    assert groups == {
        "routing-cell1-targets-80": "saas-t0001-dev-80",
        "routing-cell2-targets-80": "saas-t0001-dev-c2-80",
    }
    rules = {
        r.name: (r.inputs["listenerArn"].rsplit(":", 1)[1], r.inputs["priority"])
        for r in of_type(moving, "aws:lb/listenerRule:ListenerRule")
    }
    # Each cell's rule on its own cell's listener; the previous cell's keeps the priority it has there.
    assert rules == {
        "routing-cell1-rule": ("listener/app/saas-dev-alb/0/0", 1.0),
        "routing-cell2-rule": ("listener/app/saas-dev-alb-2/0/0", 2.0),
    }


def test_a_moving_tenants_service_registers_in_both_cells_target_groups_after_both_rules() -> None:
    service = one(_moving_t0001(), "aws:ecs/service:Service")
    arns = [b["targetGroupArn"].rsplit("/", 2)[1] for b in service.inputs["loadBalancers"]]
    assert arns == ["saas-t0001-dev-80", "saas-t0001-dev-c2-80"]
    rules = sorted(u.rsplit("::", 1)[1] for u in service.depends_on if ":ListenerRule::" in u)
    assert rules == ["routing-cell1-rule", "routing-cell2-rule"]


def test_a_moving_tenant_is_still_served_and_reported_from_its_previous_cell() -> None:
    outputs = _moving_t0001().outputs
    assert (outputs["cell"], outputs["moving_to"]) == (1, 2)
    assert outputs["target_group_arn"].endswith("/saas-t0001-dev-80/0")
    assert outputs["moving_target_group_arn"].endswith("/saas-t0001-dev-c2-80/0")
    assert outputs["load_balancer_dns_name"] == "saas-dev-alb-0.us-east-1.elb.amazonaws.com"


def test_a_suspended_moving_tenants_rules_in_both_cells_answer_its_suspended_page() -> None:
    spec = spec_of(
        MOVING.replace("    priority: 2\n    cell: 2", "    priority: 2\n    cell: 2\n    suspended: true", 1)
    )
    moving = synthesize(
        targets.tenant_target(spec, "t0001", targets.placeholder_platform(spec), previous_cell=PreviousCell(1, 1))
    )
    actions = {r.name: r.inputs["actions"][0] for r in of_type(moving, "aws:lb/listenerRule:ListenerRule")}
    assert {name: (a["type"], a["fixedResponse"]["statusCode"]) for name, a in actions.items()} == {
        "routing-cell1-rule": ("fixed-response", "503"),
        "routing-cell2-rule": ("fixed-response", "503"),
    }
    assert one(moving, "aws:ecs/service:Service").inputs["desiredCount"] == 0


def test_a_plain_deploy_has_one_cell_and_says_nothing_of_a_move() -> None:
    spec = spec_of(MOVING)
    plain = synthesize(targets.tenant_target(spec, "t0001", targets.placeholder_platform(spec)))
    assert [r.name for r in of_type(plain, "aws:lb/targetGroup:TargetGroup")] == ["routing-cell2-targets-80"]
    assert plain.outputs["cell"] == 2 and "moving_to" not in plain.outputs


def test_after_the_dns_switch_of_a_move_both_cells_route_and_dns_and_outputs_name_the_new_cell() -> None:
    spec = spec_of(
        MOVING.replace("  domain: example.com\n", "  domain: example.com\n  dns: {zone_id: Z0123456789ABC}\n")
    )
    switched = PreviousCell(1, 1, switched=True)
    synthesis = synthesize(
        targets.tenant_target(spec, "t0001", targets.placeholder_platform(spec), previous_cell=switched)
    )
    assert sorted(r.name for r in of_type(synthesis, "aws:lb/listenerRule:ListenerRule")) == [
        "routing-cell1-rule",
        "routing-cell2-rule",
    ]
    [record] = of_type(synthesis, "aws:route53/record:Record")
    assert record.inputs["aliases"][0]["name"] == synthesis.outputs["load_balancer_dns_name"]
    assert "alb-2" in synthesis.outputs["load_balancer_dns_name"]
    assert synthesis.outputs["cell"] == 2 and "moving_to" not in synthesis.outputs


# ---- a port change (README "Changing a tenant's port without an outage") -------------------------------------


EXAMPLE_TEXT = EXAMPLE.read_text()
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"


def _acme_on(port: int, previous_port: int | None = None) -> Synthesis:
    """acme with ``container_port: port`` in the file; ``previous_port``: the first pass of its change from that."""
    text = EXAMPLE_TEXT.replace("  - name: acme\n", f"  - name: acme\n    container_port: {port}\n", 1)
    return _synth_tenant(text, previous_port=previous_port)


def _group_name(arn: str) -> str:
    return arn.split(":targetgroup/", 1)[1].split("/")[0]


def test_a_port_changes_first_pass_has_a_target_group_for_each_port() -> None:
    groups = {r.name: (r.inputs["name"], r.inputs["port"]) for r in of_type(_acme_on(8080, 80), TARGET_GROUP)}
    assert groups == {
        "routing-cell1-targets-80": ("saas-acme-dev-80", 80.0),
        "routing-cell1-targets-8080": ("saas-acme-dev-8080", 8080.0),
    }


def test_a_port_changes_first_pass_forwards_only_to_the_previous_ports_target_group() -> None:
    rule = one(_acme_on(8080, 80), "aws:lb/listenerRule:ListenerRule").inputs
    [action] = rule["actions"]
    weights = [(_group_name(g["arn"]), g["weight"]) for g in action["forward"]["targetGroups"]]
    # The new port's group is behind the rule, which ECS asks of a service's target groups, with weight 0.
    assert (action["type"], weights) == ("forward", [("saas-acme-dev-80", 1.0), ("saas-acme-dev-8080", 0.0)])
    assert "targetGroupArn" not in action


def test_a_port_changes_first_pass_registers_the_new_tasks_in_both_target_groups_on_the_new_port() -> None:
    synthesis = _acme_on(8080, 80)
    balancers = one(synthesis, "aws:ecs/service:Service").inputs["loadBalancers"]
    assert [(_group_name(b["targetGroupArn"]), b["containerPort"]) for b in balancers] == [
        ("saas-acme-dev-80", 8080.0),
        ("saas-acme-dev-8080", 8080.0),
    ]
    [container] = json.loads(one(synthesis, "aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    assert container["portMappings"] == [{"containerPort": 8080, "protocol": "tcp"}]


def test_a_port_changes_first_pass_admits_both_ports_before_the_service_starts_tasks() -> None:
    synthesis = _acme_on(8080, 80)
    ingress = of_type(synthesis, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert {r.name: (r.inputs["fromPort"], r.inputs["toPort"]) for r in ingress} == {
        "firewall-in-80": (80.0, 80.0),
        "firewall-in-8080": (8080.0, 8080.0),
    }
    service = one(synthesis, "aws:ecs/service:Service")
    assert sorted(u.rsplit("::", 1)[1] for u in service.depends_on if "IngressRule::" in u) == [
        "firewall-in-80",
        "firewall-in-8080",
    ]


def test_a_port_changes_first_pass_reports_the_previous_port_and_where_it_switches_to() -> None:
    outputs = _acme_on(8080, 80).outputs
    assert (outputs["container_port"], outputs["port_changing_to"]) == (80, 8080)
    assert _group_name(outputs["target_group_arn"]) == "saas-acme-dev-80"
    assert _group_name(outputs["port_target_group_arn"]) == "saas-acme-dev-8080"


def test_a_plain_deploy_on_the_new_port_has_one_target_group_the_rule_forwards_to() -> None:
    synthesis = _acme_on(8080)
    [group] = of_type(synthesis, TARGET_GROUP)
    assert (group.name, group.inputs["name"]) == ("routing-cell1-targets-8080", "saas-acme-dev-8080")
    [action] = one(synthesis, "aws:lb/listenerRule:ListenerRule").inputs["actions"]
    assert _group_name(action["targetGroupArn"]) == "saas-acme-dev-8080" and "forward" not in action
    assert synthesis.outputs["container_port"] == 8080 and "port_changing_to" not in synthesis.outputs


def test_a_port_change_during_a_moves_first_pass_keeps_the_previous_port_in_the_previous_cell_only() -> None:
    spec = spec_of(MOVING.replace("  - name: t0001\n", "  - name: t0001\n    container_port: 8080\n"))
    platform = targets.placeholder_platform(spec)
    synthesis = synthesize(
        targets.tenant_target(spec, "t0001", platform, previous_cell=PreviousCell(1, 1), previous_port=80)
    )
    groups = {r.name: r.inputs["name"] for r in of_type(synthesis, TARGET_GROUP)}
    assert groups == {
        "routing-cell1-targets-80": "saas-t0001-dev-80",
        "routing-cell1-targets-8080": "saas-t0001-dev-8080",
        "routing-cell2-targets-8080": "saas-t0001-dev-c2-8080",
    }
    # Three of the 5 target groups a service may list (ECS Developer Guide, "Use multiple target groups").
    assert len(one(synthesis, "aws:ecs/service:Service").inputs["loadBalancers"]) == 3
