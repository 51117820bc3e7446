"""What a port change relies on, as the double answers it on moto: a listener rule's weighted target groups (one
with weight 0) associate a target group with the load balancer, as ECS requires of each of a service's target
groups, and keep it from being deleted; a target group no rule forwards to is refused to a service."""

from __future__ import annotations

from typing import Any

import pytest

from tests.aws_double.aws import Aws
from tests.aws_double.errors import ApiError, Refusal
from tests.aws_double.test_refusals import _balancer, _group, _target_group, _vpc, aws, handler

__all__ = ["aws"]  # the fixture


def _listener(aws: Aws, vpc_id: str) -> str:
    fixed = {"type": "fixed-response", "fixedResponse": {"contentType": "text/plain", "statusCode": "404"}}
    balancer = _balancer(aws, vpc_id, _group(aws, vpc_id, "alb"))
    listener = handler("aws:lb/listener:Listener").create(
        aws, {"loadBalancerArn": balancer, "port": 80, "defaultActions": [fixed]}
    )
    return str(listener.id)


def _weighted_rule(aws: Aws, listener: str, serving: str, warming: str) -> None:
    forward = {"targetGroups": [{"arn": serving, "weight": 1}, {"arn": warming, "weight": 0}]}
    handler("aws:lb/listenerRule:ListenerRule").create(
        aws,
        {
            "listenerArn": listener,
            "priority": 10,
            "conditions": [{"hostHeader": {"values": ["acme.example.com"]}}],
            "actions": [{"type": "forward", "forward": forward}],
        },
    )


def _service(aws: Aws, groups: list[str]) -> Any:
    aws.ecs.create_cluster(clusterName="saas")
    return handler("aws:ecs/service:Service").create(
        aws,
        {
            "name": "acme",
            "cluster": "saas",
            "desiredCount": 1,
            "loadBalancers": [{"targetGroupArn": g, "containerName": "app", "containerPort": 8080} for g in groups],
        },
    )


def test_a_service_on_a_target_group_no_rule_forwards_to_is_refused(aws: Aws) -> None:
    vpc_id = _vpc(aws)
    _listener(aws, vpc_id)
    group = _target_group(aws, vpc_id)
    with pytest.raises(Refusal, match=r"InvalidParameterException: The target group with targetGroupArn .* does"):
        _service(aws, [group])


def test_a_target_group_a_rule_weighs_0_may_serve_a_service(aws: Aws) -> None:
    vpc_id = _vpc(aws)
    serving, warming = _target_group(aws, vpc_id, "acme-80"), _target_group(aws, vpc_id, "acme-8080")
    _weighted_rule(aws, _listener(aws, vpc_id), serving, warming)
    service = _service(aws, [serving, warming])
    [described] = aws.ecs.describe_services(cluster="saas", services=[service.id])["services"]
    assert [lb["targetGroupArn"] for lb in described["loadBalancers"]] == [serving, warming]


def test_deleting_a_target_group_a_rule_weighs_0_is_refused(aws: Aws) -> None:
    vpc_id = _vpc(aws)
    serving, warming = _target_group(aws, vpc_id, "acme-80"), _target_group(aws, vpc_id, "acme-8080")
    _weighted_rule(aws, _listener(aws, vpc_id), serving, warming)
    with pytest.raises(ApiError) as refused:
        handler("aws:lb/targetGroup:TargetGroup").delete(aws, warming, {})
    assert refused.value.code == "ResourceInUse"
