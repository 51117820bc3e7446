"""The double's own rules, without the engine: how it compares, names and configures, and what it models where
moto has nothing (each test names the handler's cited source). Handlers run against the session's moto server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi.provider.experimental.property_value import PropertyValue

from infra import policies
from tests.aws_double.aws import Aws
from tests.aws_double.config import ProviderConfig
from tests.aws_double.errors import ApiError, NotModelled, Refusal, reported
from tests.aws_double.schema import auto_name, replacing
from tests.aws_double.services import REGISTRY
from tests.aws_double.values import same
from tests.moto_server import client

URN = "urn:pulumi:dev::proj::saasctl:tenant:Iam$aws:iam/rolePolicy:RolePolicy::iam-task"


def test_policy_documents_are_compared_by_meaning_not_text() -> None:
    old = PropertyValue(json.dumps({"Version": "2012-10-17", "Statement": []}))
    new = PropertyValue('{"Statement": [], "Version": "2012-10-17"}')
    assert same("policy", old, new) and not same("description", old, new)


def test_a_name_the_provider_generated_is_kept_on_later_checks() -> None:
    first = auto_name("aws:iam/rolePolicy:RolePolicy", URN, b"seed", {}, {"role": "r"})
    assert first == {"name": f"iam-task-{first['name'][-7:]}"}
    assert auto_name("aws:iam/rolePolicy:RolePolicy", URN, b"other seed", first, {"role": "r"}) == first
    assert auto_name("aws:iam/rolePolicy:RolePolicy", URN, b"seed", {}, {"name": "mine"}) == {}


def test_every_input_of_a_task_definition_forces_a_new_revision() -> None:
    assert replacing("aws:ecs/taskDefinition:TaskDefinition", ["cpu", "memory"]) == ["cpu", "memory"]
    assert replacing("aws:ecs/service:Service", ["taskDefinition", "name"]) == ["name"]


def test_endpoints_come_from_the_provider_then_from_aws_endpoint_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    explicit = ProviderConfig.from_request(
        {
            "region": PropertyValue("eu-west-1"),
            "endpoints": PropertyValue(json.dumps([{"ec2": "http://127.0.0.1:1"}])),
            "defaultTags": PropertyValue(json.dumps({"tags": {"project": "p"}})),
        },
        {},
    )
    assert (explicit.region, explicit.endpoint("ec2"), explicit.default_tags) == (
        "eu-west-1",
        "http://127.0.0.1:1",
        {"project": "p"},
    )
    assert explicit.endpoint("s3") is None and explicit.emulated
    assert not ProviderConfig.from_request({}, {"aws:region": "us-east-1"}).emulated
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2")
    assert ProviderConfig.from_request({}, {}).endpoint("s3") == "http://127.0.0.1:2"


def test_a_service_without_an_endpoint_is_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    aws = Aws(ProviderConfig(endpoints={"ec2": "http://127.0.0.1:1"}))
    with pytest.raises(NotModelled, match="no endpoint is configured for route53: the real provider would call AWS"):
        aws.client("route53")


def test_an_aws_error_reads_as_the_real_providers() -> None:
    error = ApiError("EC2", "CreateVpc", 400, "r-1", "InvalidVpc.Range", "The CIDR '10.0.0.0/8' is invalid.")
    assert str(reported("create", "EC2 VPC", "network-vpc", error)) == (
        "creating EC2 VPC (network-vpc): operation error EC2: CreateVpc, https response error StatusCode: 400, "
        "RequestID: r-1, api error InvalidVpc.Range: The CIDR '10.0.0.0/8' is invalid."
    )


@pytest.fixture
def aws(moto: str) -> Aws:
    return Aws(ProviderConfig(endpoints={"ec2": moto, "ecs": moto, "rds": moto, "s3": moto, "sts": moto}))


def handler(type_: str) -> Any:
    return REGISTRY[type_]


def vpc(aws: Aws) -> str:
    return str(handler("aws:ec2/vpc:Vpc").create(aws, {"cidrBlock": "10.0.0.0/16"}).id)


def group(aws: Aws, vpc_id: str, name: str) -> str:
    made = handler("aws:ec2/securityGroup:SecurityGroup").create(aws, {"name": name, "vpcId": vpc_id})
    return str(made.id)


def test_a_new_security_group_keeps_no_default_egress_rule(aws: Aws, moto: str) -> None:
    group_id = group(aws, vpc(aws), "bare")
    ec2: Any = client(moto, "ec2")
    assert ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissionsEgress"] == []


def test_a_security_group_another_groups_rule_references_is_not_deleted(aws: Aws, moto: str) -> None:
    vpc_id = vpc(aws)
    target, source = group(aws, vpc_id, "target"), group(aws, vpc_id, "source")
    handler("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").create(
        aws,
        {
            "securityGroupId": source,
            "ipProtocol": "tcp",
            "fromPort": 80,
            "toPort": 80,
            "referencedSecurityGroupId": target,
        },
    )
    with pytest.raises(Refusal, match=f"^DependencyViolation: resource {target} has a dependent object$"):
        handler("aws:ec2/securityGroup:SecurityGroup").delete(aws, target, {})


def test_a_rules_port_changes_in_place(aws: Aws, moto: str) -> None:
    vpc_id = vpc(aws)
    tenant, alb = group(aws, vpc_id, "tenant"), group(aws, vpc_id, "alb")
    rules = handler("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    old = {
        "securityGroupId": tenant,
        "ipProtocol": "tcp",
        "fromPort": 80,
        "toPort": 80,
        "referencedSecurityGroupId": alb,
    }
    rule_id = rules.create(aws, old).id
    after = rules.update(aws, rule_id, old, {**old, "fromPort": 8080, "toPort": 8080})
    assert (after["securityGroupRuleId"], after["fromPort"], after["referencedSecurityGroupId"]) == (rule_id, 8080, alb)


def test_a_second_active_ecs_service_of_one_name_is_refused(aws: Aws) -> None:
    cluster = handler("aws:ecs/cluster:Cluster").create(aws, {"name": "c"}).id
    service = {"name": "web", "cluster": cluster, "desiredCount": 0}
    handler("aws:ecs/service:Service").create(aws, service)
    with pytest.raises(Refusal, match=r"^InvalidParameterException: Creation of service was not idempotent\.$"):
        handler("aws:ecs/service:Service").create(aws, service)


def test_a_new_trigger_with_force_new_deployment_starts_a_new_deployment(aws: Aws) -> None:
    cluster = handler("aws:ecs/cluster:Cluster").create(aws, {"name": "c"}).id
    service = {"name": "web", "cluster": cluster, "desiredCount": 0}
    created = handler("aws:ecs/service:Service").create(aws, service)
    deployment = aws.ecs.describe_services(cluster=cluster, services=["web"])["services"][0]["deployments"][0]["id"]
    redeployed = {**service, "forceNewDeployment": True, "triggers": {"redeploy": "20261201T120000Z"}}
    handler("aws:ecs/service:Service").update(aws, created.id, {**service, **created.outputs}, redeployed)
    after = aws.ecs.describe_services(cluster=cluster, services=["web"])["services"][0]["deployments"][0]["id"]
    assert after != deployment


def test_an_aurora_cluster_keeps_the_data_api_moto_turns_off(aws: Aws, moto: str) -> None:
    inputs = {
        "clusterIdentifier": "db",
        "engine": "aurora-postgresql",
        "engineVersion": "15.8",
        "masterUsername": "saasadmin",
        "manageMasterUserPassword": True,
        "enableHttpEndpoint": True,
    }
    created = handler("aws:rds/cluster:Cluster").create(aws, inputs)
    rds: Any = client(moto, "rds")
    assert rds.describe_db_clusters(DBClusterIdentifier="db")["DBClusters"][0]["HttpEndpointEnabled"] is False
    assert created.outputs["enableHttpEndpoint"] is True
    assert created.outputs["masterUserSecrets"][0]["secretArn"].startswith("arn:aws:secretsmanager:us-east-1:")


BUCKET = "kept-bucket"
SETTINGS = {
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {"rule": {"objectOwnership": "BucketOwnerEnforced"}},
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
    },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}, "bucketKeyEnabled": True}]
    },
    "aws:s3/bucketVersioning:BucketVersioning": {"versioningConfiguration": {"status": "Enabled"}},
    "aws:s3/bucketPolicy:BucketPolicy": {"policy": policies.deny_insecure_transport(f"arn:aws:s3:::{BUCKET}")},
}


@pytest.mark.parametrize("type_", list(SETTINGS))
def test_a_kept_buckets_setting_imports_as_the_program_declares_it(aws: Aws, type_: str) -> None:
    """An import reads the setting back in the program's own shape, so adopting kept data changes nothing."""
    handler("aws:s3/bucket:Bucket").create(aws, {"bucket": BUCKET})
    declared = {"bucket": BUCKET, **SETTINGS[type_]}
    setting = handler(type_)
    setting.create(aws, declared)
    assert setting.read(aws, BUCKET) == declared
