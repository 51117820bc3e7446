"""Application Auto Scaling: an ECS service's scalable target and its target-tracking policy, as
terraform-provider-aws ``internal/service/appautoscaling`` (``target.go``, ``policy.go``) makes them, on moto.

moto refuses a target for an ECS service that does not exist (``ValidationException``), as AWS does. A target's
ID is its resource ID; a policy's is its name.
"""

from __future__ import annotations

from typing import Any

from tests.aws_double.aws import Aws
from tests.aws_double.services.base import Created, Handler, Props, first, handles, without_none


def _target_key(inputs: Props) -> dict[str, str]:
    return {
        "ServiceNamespace": inputs["serviceNamespace"],
        "ResourceId": inputs["resourceId"],
        "ScalableDimension": inputs["scalableDimension"],
    }


@handles
class Target(Handler):
    type = "aws:appautoscaling/target:Target"
    kind = "Application Auto Scaling Target"

    def create(self, aws: Aws, inputs: Props) -> Created:
        self._register(aws, inputs)
        return Created(inputs["resourceId"], self.read(aws, inputs["resourceId"], inputs) or {})

    def _register(self, aws: Aws, inputs: Props) -> None:
        aws.autoscaling.register_scalable_target(
            MinCapacity=int(inputs["minCapacity"]),
            MaxCapacity=int(inputs["maxCapacity"]),
            Tags=aws.tags(inputs),
            **_target_key(inputs),
            **without_none({"RoleARN": inputs.get("roleArn")}),
        )

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        known = state or {}
        namespace = known.get("serviceNamespace") or "ecs"
        found = aws.autoscaling.describe_scalable_targets(ServiceNamespace=namespace, ResourceIds=[resource_id])
        target = first(
            t for t in found["ScalableTargets"] if known.get("scalableDimension") in (None, t["ScalableDimension"])
        )
        if target is None:
            return None
        return without_none(
            {
                "arn": target.get("ScalableTargetARN"),
                "serviceNamespace": target["ServiceNamespace"],
                "resourceId": target["ResourceId"],
                "scalableDimension": target["ScalableDimension"],
                "minCapacity": target["MinCapacity"],
                "maxCapacity": target["MaxCapacity"],
                "roleArn": target.get("RoleARN"),
            }
        )

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        self._register(aws, news)  # RegisterScalableTarget updates an existing target in place

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.autoscaling.deregister_scalable_target(**_target_key(state))


def _tracking(inputs: Props) -> dict[str, Any] | None:
    config = inputs.get("targetTrackingScalingPolicyConfiguration")
    if not config:
        return None
    metric = config.get("predefinedMetricSpecification") or {}
    return without_none(
        {
            "TargetValue": float(config["targetValue"]),
            "ScaleInCooldown": int(config["scaleInCooldown"]) if config.get("scaleInCooldown") is not None else None,
            "ScaleOutCooldown": int(config["scaleOutCooldown"]) if config.get("scaleOutCooldown") is not None else None,
            "DisableScaleIn": config.get("disableScaleIn"),
            "PredefinedMetricSpecification": without_none(
                {
                    "PredefinedMetricType": metric.get("predefinedMetricType"),
                    "ResourceLabel": metric.get("resourceLabel"),
                }
            )
            or None,
        }
    )


@handles
class Policy(Handler):
    type = "aws:appautoscaling/policy:Policy"
    kind = "Application Auto Scaling Policy"

    def create(self, aws: Aws, inputs: Props) -> Created:
        return Created(inputs["name"], self._put(aws, inputs))

    def _put(self, aws: Aws, inputs: Props) -> Props:
        answer = aws.autoscaling.put_scaling_policy(
            PolicyName=inputs["name"],
            PolicyType=inputs.get("policyType") or "StepScaling",
            **_target_key(inputs),
            **without_none({"TargetTrackingScalingPolicyConfiguration": _tracking(inputs)}),
        )
        return {"arn": answer["PolicyARN"], "alarmArns": [a["AlarmARN"] for a in answer.get("Alarms", [])]}

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        known = state or {}
        found = aws.autoscaling.describe_scaling_policies(
            ServiceNamespace=known.get("serviceNamespace") or "ecs",
            PolicyNames=[resource_id],
            **without_none({"ResourceId": known.get("resourceId")}),
        )
        policy = first(found["ScalingPolicies"])
        if policy is None:
            return None
        return {
            "arn": policy["PolicyARN"],
            "name": policy["PolicyName"],
            "policyType": policy["PolicyType"],
            "resourceId": policy["ResourceId"],
            "scalableDimension": policy["ScalableDimension"],
            "serviceNamespace": policy["ServiceNamespace"],
        }

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        self._put(aws, news)  # PutScalingPolicy replaces the policy of that name in place

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.autoscaling.delete_scaling_policy(PolicyName=resource_id, **_target_key(state))
