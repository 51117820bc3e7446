"""ECS: cluster, task definition, service, as terraform-provider-aws ``internal/service/ecs`` (``cluster.go``,
``task_definition.go``, ``service.go``) makes them, on moto's ECS.

What moto's ECS does and does not (the rollout is what saasctl reads after a deploy):
- A new service has one deployment, COMPLETED when the running count reaches the desired count; the running count
  is the server-wide ``MOTO_ECS_SERVICE_RUNNING`` (moto ``ecs/models.py`` ``Service.__init__``), which
  ``saasctl local start`` sets. No task really runs (no logs, no target registers with its target group).
- UpdateService with a new task definition starts no new deployment: the one deployment keeps the first task
  definition (moto ``update_service``), so a rollout wait after a changed revision sees no deployment of it.
- CreateService over an ACTIVE service of the same name replaces it in moto; AWS refuses it
  (``InvalidParameterException: Creation of service was not idempotent.``,
  https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html): modelled here.
- A service's target group that no listener or rule forwards to is refused by CreateService and UpdateService
  (``InvalidParameterException: The target group with targetGroupArn ... does not have an associated load
  balancer.``: hashicorp/terraform#32908, aws/aws-cdk#34290 for an update); moto accepts it: modelled here. A rule's
  weighted target groups count, whatever their weight. That a weight-0 group counts is an assumption no source
  found here states: ELB associates a group with a load balancer through the action that names it (the ELB API
  Reference, TargetGroupTuple and DescribeTargetGroups' LoadBalancerArns), and a weight only shares the requests.
  The port change's first pass (saas_ctl/stacks/port_change.py) rests on it.
"""

from __future__ import annotations

import json
from typing import Any

from tests.aws_double.aws import Aws
from tests.aws_double.errors import ApiError, Refusal
from tests.aws_double.services.base import Created, Handler, Props, first, handles, without_none


def _ecs_tags(aws: Aws, inputs: Props) -> list[dict[str, str]]:
    return aws.tag_list(inputs, key="key", value="value")


@handles
class Cluster(Handler):
    type = "aws:ecs/cluster:Cluster"
    kind = "ECS Cluster"

    def create(self, aws: Aws, inputs: Props) -> Created:
        cluster = aws.ecs.create_cluster(
            clusterName=inputs["name"], settings=_settings(inputs), tags=_ecs_tags(aws, inputs)
        )["cluster"]
        return Created(cluster["clusterArn"], {"arn": cluster["clusterArn"], "name": cluster["clusterName"]})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        cluster = first(aws.ecs.describe_clusters(clusters=[resource_id])["clusters"])
        if cluster is None or cluster.get("status") == "INACTIVE":
            return None
        return {"arn": cluster["clusterArn"], "name": cluster["clusterName"]}

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"settings"}:
            super().apply(aws, resource_id, olds, news, changed)
        aws.ecs.update_cluster_settings(cluster=resource_id, settings=_settings(news))

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.ecs.delete_cluster(cluster=resource_id)


def _settings(inputs: Props) -> list[dict[str, str]]:
    return [{"name": s["name"], "value": s["value"]} for s in inputs.get("settings") or []]


@handles
class TaskDefinition(Handler):
    """Its ID is the family and its ARN names the revision (task_definition.go: ``d.SetId(family)``); every
    registration is a new revision, and a delete deregisters the revision the state names."""

    type = "aws:ecs/taskDefinition:TaskDefinition"
    kind = "ECS Task Definition"

    def create(self, aws: Aws, inputs: Props) -> Created:
        platform = inputs.get("runtimePlatform") or {}
        definition = aws.ecs.register_task_definition(
            family=inputs["family"],
            containerDefinitions=json.loads(inputs["containerDefinitions"]),
            tags=_ecs_tags(aws, inputs),
            **without_none(
                {
                    "cpu": inputs.get("cpu"),
                    "memory": inputs.get("memory"),
                    "networkMode": inputs.get("networkMode"),
                    "requiresCompatibilities": inputs.get("requiresCompatibilities"),
                    "executionRoleArn": inputs.get("executionRoleArn"),
                    "taskRoleArn": inputs.get("taskRoleArn"),
                    "runtimePlatform": without_none(
                        {
                            "operatingSystemFamily": platform.get("operatingSystemFamily"),
                            "cpuArchitecture": platform.get("cpuArchitecture"),
                        }
                    )
                    or None,
                }
            ),
        )["taskDefinition"]
        return Created(definition["family"], _definition(definition))

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        # The revision the state names (the ID is only the family, whose latest revision may be another).
        wanted = (state or {}).get("arn") or resource_id
        try:
            definition = aws.ecs.describe_task_definition(taskDefinition=wanted)["taskDefinition"]
        except ApiError as error:
            if error.code == "ClientException":  # ECS's answer for an unknown family or revision
                return None
            raise
        if definition.get("status") == "INACTIVE":
            return None
        return _definition(definition)

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.ecs.deregister_task_definition(taskDefinition=state.get("arn") or resource_id)


def _definition(definition: dict[str, Any]) -> Props:
    arn = definition["taskDefinitionArn"]
    return {
        "arn": arn,
        "arnWithoutRevision": arn.rsplit(":", 1)[0],
        "revision": definition["revision"],
        "family": definition["family"],
    }


def _service_settings(inputs: Props) -> dict[str, Any]:
    network = inputs.get("networkConfiguration")
    breaker = inputs.get("deploymentCircuitBreaker")
    return without_none(
        {
            "taskDefinition": inputs.get("taskDefinition"),
            "networkConfiguration": {
                "awsvpcConfiguration": {
                    "subnets": list(network.get("subnets") or []),
                    "securityGroups": list(network.get("securityGroups") or []),
                    "assignPublicIp": "ENABLED" if network.get("assignPublicIp") else "DISABLED",
                }
            }
            if network
            else None,
            "loadBalancers": [
                without_none(
                    {
                        "targetGroupArn": lb.get("targetGroupArn"),
                        "containerName": lb.get("containerName"),
                        "containerPort": int(lb["containerPort"]) if lb.get("containerPort") is not None else None,
                    }
                )
                for lb in inputs.get("loadBalancers") or []
            ]
            or None,
            "deploymentConfiguration": {
                "deploymentCircuitBreaker": {
                    "enable": bool(breaker.get("enable")),
                    "rollback": bool(breaker.get("rollback")),
                }
            }
            if breaker
            else None,
            "healthCheckGracePeriodSeconds": int(inputs["healthCheckGracePeriodSeconds"])
            if inputs.get("healthCheckGracePeriodSeconds") is not None
            else None,
        }
    )


@handles
class Service(Handler):
    """Its ID is the service's ARN (service.go)."""

    type = "aws:ecs/service:Service"
    kind = "ECS Service"
    provider_only = frozenset({"waitForSteadyState", "forceDelete", "forceNewDeployment"})

    def create(self, aws: Aws, inputs: Props) -> Created:
        cluster = inputs.get("cluster") or "default"
        existing = first(aws.ecs.describe_services(cluster=cluster, services=[inputs["name"]])["services"])
        if existing is not None and existing.get("status") == "ACTIVE":
            raise Refusal("InvalidParameterException", "Creation of service was not idempotent.")
        _refuse_unassociated_target_groups(aws, inputs)
        service = aws.ecs.create_service(
            cluster=cluster,
            serviceName=inputs["name"],
            desiredCount=int(inputs.get("desiredCount") or 0),
            schedulingStrategy=inputs.get("schedulingStrategy") or "REPLICA",
            propagateTags=inputs.get("propagateTags") or "NONE",
            tags=_ecs_tags(aws, inputs),
            **without_none({"launchType": inputs.get("launchType")}),
            **_service_settings(inputs),
        )["service"]
        return Created(service["serviceArn"], _service(service))

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        # A service's long ARN names its cluster (service/<cluster>/<name>); the state names it too.
        path = resource_id.split(":service/", 1)[-1].split("/")
        cluster = (state or {}).get("cluster") or (path[0] if len(path) == 2 else "default")
        try:
            service = first(aws.ecs.describe_services(cluster=cluster, services=[resource_id])["services"])
        except ApiError as error:
            if error.code == "ClusterNotFoundException":
                return None
            raise
        if service is None or service.get("status") == "INACTIVE":
            return None
        return _service(service)

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        settings = _service_settings(news)
        update = {key: settings[key] for key in settings if key in changed or _nested(key) & changed}
        if "desiredCount" in changed:
            update["desiredCount"] = int(news.get("desiredCount") or 0)
        # A new `triggers` value with force_new_deployment set starts a new deployment (service.go,
        # resourceServiceUpdate: UpdateService carries ForceNewDeployment; triggersCustomizeDiff keeps a triggers
        # change only when force_new_deployment is true). Gap: this double does not clear that change from the
        # plan when force_new_deployment is false or the triggers are removed, as the provider's CustomizeDiff does.
        if "triggers" in changed and news.get("forceNewDeployment"):
            update["forceNewDeployment"] = True
        if "loadBalancers" in update:
            _refuse_unassociated_target_groups(aws, news)
        aws.ecs.update_service(cluster=news.get("cluster") or "default", service=resource_id, **update)

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        cluster = state.get("cluster") or "default"
        # resourceServiceDelete drains a replica service to zero tasks before DeleteService.
        if (state.get("schedulingStrategy") or "REPLICA") == "REPLICA":
            aws.ecs.update_service(cluster=cluster, service=resource_id, desiredCount=0)
        aws.ecs.delete_service(cluster=cluster, service=resource_id)


def _refuse_unassociated_target_groups(aws: Aws, inputs: Props) -> None:
    wanted = [lb["targetGroupArn"] for lb in inputs.get("loadBalancers") or [] if lb.get("targetGroupArn")]
    if not wanted:
        return
    associated = set()
    for balancer in aws.elbv2.describe_load_balancers()["LoadBalancers"]:
        for listener in aws.elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]:
            actions = list(listener.get("DefaultActions", []))
            for rule in aws.elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                actions += rule.get("Actions", [])
            for action in actions:
                associated.add(action.get("TargetGroupArn"))
                associated.update(g["TargetGroupArn"] for g in action.get("ForwardConfig", {}).get("TargetGroups", []))
    for arn in wanted:
        if arn not in associated:
            raise Refusal(
                "InvalidParameterException",
                f"The target group with targetGroupArn {arn} does not have an associated load balancer.",
            )


def _nested(setting: str) -> set[str]:
    """The inputs a service setting of the API is made of."""
    return {"deploymentConfiguration": {"deploymentCircuitBreaker"}}.get(setting, {setting})


def _service(service: dict[str, Any]) -> Props:
    return without_none(
        {
            "arn": service["serviceArn"],
            "name": service["serviceName"],
            "cluster": service.get("clusterArn"),
            "taskDefinition": service.get("taskDefinition"),
            "launchType": service.get("launchType"),
        }
    )
