"""What AWS refuses on the day-2 paths saasctl's deploys meet, as the double answers it on moto: each test names
the refusal, whether moto makes it or the double models it (the handler cites the AWS page it comes from)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws_double.aws import Aws
from tests.aws_double.config import ProviderConfig
from tests.aws_double.errors import ApiError, Refusal
from tests.aws_double.services import REGISTRY
from tests.aws_double.services.ec2_security_groups import RULES_QUOTA_VARIABLE

SERVICES = ("ec2", "elbv2", "ecs", "rds", "sts")


@pytest.fixture
def aws(moto: str) -> Aws:
    return Aws(ProviderConfig(endpoints={service: moto for service in SERVICES}))


def handler(type_: str) -> Any:
    return REGISTRY[type_]


def _vpc(aws: Aws) -> str:
    return str(handler("aws:ec2/vpc:Vpc").create(aws, {"cidrBlock": "10.0.0.0/16"}).id)


def _group(aws: Aws, vpc_id: str, name: str) -> str:
    return str(handler("aws:ec2/securityGroup:SecurityGroup").create(aws, {"name": name, "vpcId": vpc_id}).id)


def _subnets(aws: Aws, vpc_id: str) -> list[str]:
    subnet = handler("aws:ec2/subnet:Subnet")
    return [
        str(subnet.create(aws, {"vpcId": vpc_id, "cidrBlock": f"10.0.{i}.0/24", "availabilityZone": zone}).id)
        for i, zone in enumerate(("us-east-1a", "us-east-1b"))
    ]


def _balancer(aws: Aws, vpc_id: str, group_id: str) -> str:
    handler("aws:ec2/internetGateway:InternetGateway").create(aws, {"vpcId": vpc_id})
    inputs = {"name": "alb", "subnets": _subnets(aws, vpc_id), "securityGroups": [group_id]}
    return str(handler("aws:lb/loadBalancer:LoadBalancer").create(aws, inputs).id)


def _target_group(aws: Aws, vpc_id: str, name: str = "acme-8080-c0") -> str:
    inputs = {"name": name, "port": 8080, "protocol": "HTTP", "vpcId": vpc_id, "targetType": "ip"}
    return str(handler("aws:lb/targetGroup:TargetGroup").create(aws, inputs).id)


def _rule(aws: Aws, group_id: str, source: str) -> Any:
    rule = {"securityGroupId": group_id, "ipProtocol": "tcp", "fromPort": 8080, "toPort": 8080}
    return handler("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").create(
        aws, {**rule, "referencedSecurityGroupId": source}
    )


def _forwarded_to(aws: Aws, vpc_id: str, group: str) -> str:
    """A listener rule of a new load balancer that forwards to ``group``: its id."""
    balancer = _balancer(aws, vpc_id, _group(aws, vpc_id, "alb"))
    fixed = {"type": "fixed-response", "fixedResponse": {"contentType": "text/plain", "statusCode": "404"}}
    listener = handler("aws:lb/listener:Listener").create(
        aws, {"loadBalancerArn": balancer, "port": 80, "defaultActions": [fixed]}
    )
    rule = handler("aws:lb/listenerRule:ListenerRule").create(
        aws,
        {
            "listenerArn": listener.id,
            "priority": 10,
            "conditions": [{"hostHeader": {"values": ["acme.example.com"]}}],
            "actions": [{"type": "forward", "targetGroupArn": group}],
        },
    )
    return str(rule.id)


def test_deleting_a_target_group_a_listener_rule_forwards_to_is_refused(aws: Aws) -> None:
    """moto's own refusal (elbv2/models.py delete_target_group), with AWS's code."""
    vpc_id = _vpc(aws)
    group = _target_group(aws, vpc_id)
    _forwarded_to(aws, vpc_id, group)
    with pytest.raises(ApiError) as refused:
        handler("aws:lb/targetGroup:TargetGroup").delete(aws, group, {})
    assert (refused.value.operation, refused.value.code) == ("DeleteTargetGroup", "ResourceInUse")


def test_a_target_group_an_ecs_service_still_names_is_deleted_once_no_rule_forwards_to_it(aws: Aws) -> None:
    """AWS refuses DeleteTargetGroup only while an action references the group (ELB API Reference,
    DeleteTargetGroup: "You can delete a target group if it is not referenced by any actions"); a service that
    still names it does not stop the delete, its deployments stall afterwards (aws/containers-roadmap#1884, #2196).
    The double deletes it as moto does, and the service keeps naming it."""
    vpc_id = _vpc(aws)
    group = _target_group(aws, vpc_id)
    rule = _forwarded_to(aws, vpc_id, group)  # ECS takes only a group a load balancer forwards to (ecs.py)
    cluster = handler("aws:ecs/cluster:Cluster").create(aws, {"name": "c"}).id
    service = handler("aws:ecs/service:Service").create(
        aws,
        {
            "name": "web",
            "cluster": cluster,
            "desiredCount": 0,
            "loadBalancers": [{"targetGroupArn": group, "containerName": "app", "containerPort": 8080}],
        },
    )
    handler("aws:lb/listenerRule:ListenerRule").delete(aws, rule, {})
    handler("aws:lb/targetGroup:TargetGroup").delete(aws, group, {})
    assert handler("aws:lb/targetGroup:TargetGroup").read(aws, group) is None
    [still] = aws.ecs.describe_services(cluster=cluster, services=[service.id])["services"]
    assert [lb["targetGroupArn"] for lb in still["loadBalancers"]] == [group]


def test_an_internet_facing_load_balancer_in_a_vpc_without_an_internet_gateway_is_refused(aws: Aws) -> None:
    vpc_id = _vpc(aws)
    inputs = {"name": "alb", "subnets": _subnets(aws, vpc_id), "securityGroups": [_group(aws, vpc_id, "alb")]}
    with pytest.raises(Refusal) as refused:
        handler("aws:lb/loadBalancer:LoadBalancer").create(aws, inputs)
    assert str(refused.value) == f"InvalidSubnet: VPC {vpc_id} has no internet gateway"


def test_an_internal_load_balancer_needs_no_internet_gateway(aws: Aws) -> None:
    vpc_id = _vpc(aws)
    inputs = {"name": "alb", "internal": True, "subnets": _subnets(aws, vpc_id)}
    assert handler("aws:lb/loadBalancer:LoadBalancer").create(aws, inputs).id


def test_a_new_subnet_is_added_to_a_load_balancer_before_it_routes_to_the_gateway(aws: Aws) -> None:
    """SetSubnets is not refused for want of a route (see _refuse_a_vpc_without_an_internet_gateway in elbv2.py):
    the program's ordering, not the double, keeps a new zone's subnet routed before the ALB spans it."""
    vpc_id = _vpc(aws)
    balancer = _balancer(aws, vpc_id, _group(aws, vpc_id, "alb"))
    [before] = aws.elbv2.describe_load_balancers(LoadBalancerArns=[balancer])["LoadBalancers"]
    subnets = [zone["SubnetId"] for zone in before["AvailabilityZones"]]
    unrouted = str(
        handler("aws:ec2/subnet:Subnet")
        .create(aws, {"vpcId": vpc_id, "cidrBlock": "10.0.9.0/24", "availabilityZone": "us-east-1c"})
        .id
    )
    handler("aws:lb/loadBalancer:LoadBalancer").apply(
        aws, balancer, {"subnets": subnets}, {"subnets": [*subnets, unrouted]}, {"subnets"}
    )
    [spans] = aws.elbv2.describe_load_balancers(LoadBalancerArns=[balancer])["LoadBalancers"]
    assert unrouted in {zone["SubnetId"] for zone in spans["AvailabilityZones"]}


def test_a_second_target_group_of_one_name_is_refused(aws: Aws) -> None:
    vpc_id = _vpc(aws)
    _target_group(aws, vpc_id)
    with pytest.raises(ApiError) as refused:
        _target_group(aws, vpc_id)
    assert refused.value.code == "DuplicateTargetGroupName"


def _cluster(aws: Aws, **settings: Any) -> None:
    inputs = {
        "clusterIdentifier": "db",
        "engine": "aurora-postgresql",
        "engineVersion": "15.8",
        "masterUsername": "saasadmin",
        "masterPassword": "a-long-password",
        **settings,
    }
    handler("aws:rds/cluster:Cluster").create(aws, inputs)


def test_an_engine_version_older_than_the_cluster_runs_is_refused(aws: Aws) -> None:
    """After AWS's automatic minor upgrade the file's version is older than what runs (rds.py's docstring)."""
    _cluster(aws)
    aws.rds.modify_db_cluster(DBClusterIdentifier="db", EngineVersion="15.10", ApplyImmediately=True)
    with pytest.raises(Refusal) as refused:
        handler("aws:rds/cluster:Cluster").apply(aws, "db", {}, {"engineVersion": "15.8"}, {"engineVersion"})
    assert str(refused.value) == "InvalidParameterCombination: Cannot upgrade aurora-postgresql from 15.10 to 15.8"


def test_a_newer_engine_version_is_an_upgrade(aws: Aws) -> None:
    _cluster(aws)
    handler("aws:rds/cluster:Cluster").apply(aws, "db", {}, {"engineVersion": "15.10"}, {"engineVersion"})
    assert aws.rds.describe_db_clusters(DBClusterIdentifier="db")["DBClusters"][0]["EngineVersion"] == "15.10"


def test_deleting_a_cluster_parameter_group_a_cluster_uses_is_refused(aws: Aws) -> None:
    groups = handler("aws:rds/clusterParameterGroup:ClusterParameterGroup")
    groups.create(aws, {"name": "db-pg15", "family": "aurora-postgresql15"})
    _cluster(aws, dbClusterParameterGroupName="db-pg15")
    with pytest.raises(Refusal) as refused:
        groups.delete(aws, "db-pg15", {})
    assert refused.value.code == "InvalidDBParameterGroupState"


def test_a_cluster_parameter_group_no_cluster_uses_is_deleted(aws: Aws) -> None:
    groups = handler("aws:rds/clusterParameterGroup:ClusterParameterGroup")
    groups.create(aws, {"name": "db-pg14", "family": "aurora-postgresql14"})
    _cluster(aws)
    groups.delete(aws, "db-pg14", {})
    assert groups.read(aws, "db-pg14") is None


def test_deleting_a_subnet_group_a_cluster_uses_is_refused(aws: Aws) -> None:
    vpc_id = _vpc(aws)
    groups = handler("aws:rds/subnetGroup:SubnetGroup")
    groups.create(aws, {"name": "db-subnets", "subnetIds": _subnets(aws, vpc_id)})
    _cluster(aws, dbSubnetGroupName="db-subnets")
    with pytest.raises(Refusal) as refused:
        groups.delete(aws, "db-subnets", {})
    assert refused.value.code == "InvalidDBSubnetGroupStateFault"


def test_deleting_a_security_group_a_load_balancer_carries_is_refused(aws: Aws) -> None:
    vpc_id = _vpc(aws)
    group_id = _group(aws, vpc_id, "alb")
    _balancer(aws, vpc_id, group_id)
    with pytest.raises(Refusal, match=f"^DependencyViolation: resource {group_id} has a dependent object$"):
        handler("aws:ec2/securityGroup:SecurityGroup").delete(aws, group_id, {})


def test_deleting_a_security_group_an_aurora_cluster_carries_is_refused(aws: Aws) -> None:
    group_id = _group(aws, _vpc(aws), "database")
    _cluster(aws, vpcSecurityGroupIds=[group_id])
    with pytest.raises(Refusal) as refused:
        handler("aws:ec2/securityGroup:SecurityGroup").delete(aws, group_id, {})
    assert refused.value.code == "DependencyViolation"


def test_deleting_a_security_group_an_ecs_service_carries_is_refused(aws: Aws) -> None:
    vpc_id = _vpc(aws)
    group_id = _group(aws, vpc_id, "tenant")
    cluster = handler("aws:ecs/cluster:Cluster").create(aws, {"name": "c"}).id
    network = {"subnets": _subnets(aws, vpc_id), "securityGroups": [group_id]}
    handler("aws:ecs/service:Service").create(
        aws, {"name": "web", "cluster": cluster, "desiredCount": 0, "networkConfiguration": network}
    )
    with pytest.raises(Refusal) as refused:
        handler("aws:ec2/securityGroup:SecurityGroup").delete(aws, group_id, {})
    assert refused.value.code == "DependencyViolation"


def test_a_security_group_nothing_uses_is_deleted(aws: Aws) -> None:
    group_id = _group(aws, _vpc(aws), "spare")
    handler("aws:ec2/securityGroup:SecurityGroup").delete(aws, group_id, {})
    assert handler("aws:ec2/securityGroup:SecurityGroup").read(aws, group_id) is None


def test_the_61st_ingress_rule_of_a_group_is_refused_at_the_default_quota(aws: Aws) -> None:
    """moto's own limit, AWS's default: 60 rules per group and direction."""
    vpc_id = _vpc(aws)
    target = _group(aws, vpc_id, "services")
    for i in range(60):
        _rule(aws, target, _group(aws, vpc_id, f"tenant-{i}"))
    with pytest.raises(ApiError) as refused:
        _rule(aws, target, _group(aws, vpc_id, "tenant-60"))
    assert refused.value.code == "RulesPerSecurityGroupLimitExceeded"


def test_a_rule_past_a_declared_quota_is_refused(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RULES_QUOTA_VARIABLE, "2")
    vpc_id = _vpc(aws)
    target = _group(aws, vpc_id, "services")
    _rule(aws, target, _group(aws, vpc_id, "a"))
    _rule(aws, target, _group(aws, vpc_id, "b"))
    with pytest.raises(Refusal) as refused:
        _rule(aws, target, _group(aws, vpc_id, "c"))
    assert refused.value.code == "RulesPerSecurityGroupLimitExceeded"
