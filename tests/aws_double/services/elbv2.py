"""Elastic Load Balancing v2: the ALB, its listeners, target groups and listener rules, as terraform-provider-aws
``internal/service/elbv2`` (``load_balancer.go``, ``listener.go``, ``target_group.go``, ``listener_rule.go``) makes
them, on moto's ELBv2.

moto refuses what matters here: a second target group of one name (``DuplicateTargetGroupName``), deleting a target
group a listener rule still forwards to (``ResourceInUse``, moto ``elbv2/models.py`` ``delete_target_group``), a
priority taken on the listener (``PriorityInUse``). It does not limit host-header values per rule (AWS allows 5:
``infra/aws_limits.ALB_CONDITION_VALUES_PER_RULE``, which validating tenants.yaml enforces on a tenant's hosts).

Only an action blocks ``DeleteTargetGroup``, as on AWS: "You can delete a target group if it is not referenced by
any actions" (ELB API Reference, DeleteTargetGroup); AWS's message is "... is currently in use by a listener or a
rule", the one terraform-provider-aws retries on for two minutes (``internal/service/elbv2/target_group.go``,
resourceTargetGroupDelete). An ECS service that still names the group does not: the delete succeeds and the
service's later deployments stall (aws/containers-roadmap#1884, #2196, both open). moto does the same, and the
double models nothing more: moto runs no tasks, so the stall cannot show here. saasctl moves the service to the new
group before the old one goes: the engine deletes a replaced resource after its dependents' updates (a port change
on the real engine: create the new group, update the rule, update the service, delete the old group).
"""

from __future__ import annotations

from typing import Any

from tests.aws_double.aws import Aws
from tests.aws_double.errors import Refusal
from tests.aws_double.services.base import Created, Handler, Props, first, handles, read_or_none, without_none


@handles
class LoadBalancer(Handler):
    type = "aws:lb/loadBalancer:LoadBalancer"
    kind = "ELBv2 Load Balancer"

    def create(self, aws: Aws, inputs: Props) -> Created:
        if not inputs.get("internal"):
            _refuse_a_vpc_without_an_internet_gateway(aws, list(inputs.get("subnets") or []))
        balancer = aws.elbv2.create_load_balancer(
            Name=inputs["name"],
            Subnets=list(inputs.get("subnets") or []),
            SecurityGroups=list(inputs.get("securityGroups") or []),
            Scheme="internal" if inputs.get("internal") else "internet-facing",
            Type=inputs.get("loadBalancerType") or "application",
            IpAddressType=inputs.get("ipAddressType") or "ipv4",
            **_tags(aws, inputs),
        )["LoadBalancers"][0]
        self._attributes(aws, balancer["LoadBalancerArn"], inputs)
        return Created(balancer["LoadBalancerArn"], self.read(aws, balancer["LoadBalancerArn"]) or {})

    def _attributes(self, aws: Aws, arn: str, inputs: Props) -> None:
        attributes = without_none(
            {
                "routing.http.drop_invalid_header_fields.enabled": _flag(inputs.get("dropInvalidHeaderFields")),
                "idle_timeout.timeout_seconds": _number(inputs.get("idleTimeout")),
                "deletion_protection.enabled": _flag(inputs.get("enableDeletionProtection")),
            }
        )
        if attributes:
            aws.elbv2.modify_load_balancer_attributes(
                LoadBalancerArn=arn, Attributes=[{"Key": k, "Value": v} for k, v in attributes.items()]
            )

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            balancer = first(aws.elbv2.describe_load_balancers(LoadBalancerArns=[resource_id])["LoadBalancers"])
            if balancer is None:
                return None
            attributes = {
                a["Key"]: a["Value"]
                for a in aws.elbv2.describe_load_balancer_attributes(LoadBalancerArn=resource_id)["Attributes"]
            }
            return without_none(
                {
                    "arn": resource_id,
                    "arnSuffix": resource_id.split(":loadbalancer/", 1)[1],
                    "name": balancer["LoadBalancerName"],
                    "dnsName": balancer["DNSName"],
                    "zoneId": balancer["CanonicalHostedZoneId"],
                    "vpcId": balancer.get("VpcId"),
                    "internal": balancer.get("Scheme") == "internal",
                    "loadBalancerType": balancer.get("Type"),
                    "subnets": [z["SubnetId"] for z in balancer.get("AvailabilityZones", [])],
                    "securityGroups": balancer.get("SecurityGroups", []),
                    "dropInvalidHeaderFields": attributes.get("routing.http.drop_invalid_header_fields.enabled")
                    == "true",
                }
            )

        return read_or_none(get, "LoadBalancerNotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if "subnets" in changed:
            aws.elbv2.set_subnets(LoadBalancerArn=resource_id, Subnets=list(news["subnets"]))
        if "securityGroups" in changed:
            aws.elbv2.set_security_groups(LoadBalancerArn=resource_id, SecurityGroups=list(news["securityGroups"]))
        rest = changed - {"subnets", "securityGroups", "dropInvalidHeaderFields", "idleTimeout"}
        if rest - {"enableDeletionProtection"}:
            super().apply(aws, resource_id, olds, news, rest)
        self._attributes(aws, resource_id, news)

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.elbv2.delete_load_balancer(LoadBalancerArn=resource_id)


def _refuse_a_vpc_without_an_internet_gateway(aws: Aws, subnets: list[str]) -> None:
    """Modelled (moto creates it): AWS refuses an internet-facing load balancer in a VPC with no internet gateway
    attached, "InvalidSubnet: VPC vpc-... has no internet gateway" (CreateLoadBalancer, as quoted in
    openshift/installer#1110; the Classic ELB API Reference gives InvalidSubnet as "The specified VPC has no
    associated Internet gateway"). The check is the VPC's gateway, not the subnets' routes: nothing public shows
    CreateLoadBalancer or SetSubnets refusing a subnet whose route table has no route to the gateway (the console
    only warns, kubernetes-sigs/aws-load-balancer-controller#2222), so that is not modelled. Such a subnet is no use
    to an internet-facing ALB all the same (its node there is unreachable), which is why infra/platform orders the
    ALB after every public route table association, a new zone's included."""
    if not subnets:
        return
    [subnet] = aws.ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"]
    vpc = subnet["VpcId"]
    attached = aws.ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])
    if not attached["InternetGateways"]:
        raise Refusal("InvalidSubnet", f"VPC {vpc} has no internet gateway")


def _tags(aws: Aws, inputs: Props) -> dict[str, Any]:
    """ELBv2 takes no empty tag list (``Tags`` has at least one member)."""
    tags = aws.tag_list(inputs)
    return {"Tags": tags} if tags else {}


def _flag(value: Any) -> str | None:
    return None if value is None else str(bool(value)).lower()


def _number(value: Any) -> str | None:
    return None if value is None else str(int(value))


def _action(action: Props, order: int) -> dict[str, Any]:
    """One action of the program (``defaultActions`` or ``actions``) in the API's shape."""
    kind = action["type"]
    answer: dict[str, Any] = {"Type": kind, "Order": int(action.get("order") or order)}
    if kind == "forward" and action.get("forward"):
        # Weighted target groups (terraform-provider-aws elbv2/listener_rule.go expandLbForwardConfig: the
        # "forward" block becomes ForwardConfig, each group's weight 0-999, default 1); moto keeps them, routes
        # nothing by weight, and refuses to delete a group any of them names (ResourceInUse).
        answer["ForwardConfig"] = {
            "TargetGroups": [
                {"TargetGroupArn": group["arn"], "Weight": int(group.get("weight", 1))}
                for group in action["forward"]["targetGroups"]
            ]
        }
    elif kind == "forward":
        answer["TargetGroupArn"] = action["targetGroupArn"]
    elif kind == "fixed-response":
        fixed = action["fixedResponse"]
        answer["FixedResponseConfig"] = without_none(
            {
                "ContentType": fixed.get("contentType"),
                "MessageBody": fixed.get("messageBody"),
                "StatusCode": fixed.get("statusCode"),
            }
        )
    elif kind == "redirect":
        redirect = action["redirect"]
        # The schema's defaults for the parts a redirect keeps from the request (listener.go, "redirect").
        answer["RedirectConfig"] = {
            "Host": redirect.get("host") or "#{host}",
            "Path": redirect.get("path") or "/#{path}",
            "Port": redirect.get("port") or "#{port}",
            "Protocol": redirect.get("protocol") or "#{protocol}",
            "Query": redirect.get("query") or "#{query}",
            "StatusCode": redirect["statusCode"],
        }
    return answer


def _actions(actions: list[Props] | None) -> list[dict[str, Any]]:
    return [_action(action, order) for order, action in enumerate(actions or [], start=1)]


@handles
class Listener(Handler):
    type = "aws:lb/listener:Listener"
    kind = "ELBv2 Listener"

    def create(self, aws: Aws, inputs: Props) -> Created:
        certificate = inputs.get("certificateArn")
        listener = aws.elbv2.create_listener(
            LoadBalancerArn=inputs["loadBalancerArn"],
            Port=int(inputs["port"]),
            Protocol=inputs.get("protocol") or "HTTP",
            DefaultActions=_actions(inputs.get("defaultActions")),
            **_tags(aws, inputs),
            **without_none(
                {
                    "SslPolicy": inputs.get("sslPolicy"),
                    "Certificates": [{"CertificateArn": certificate}] if certificate else None,
                }
            ),
        )["Listeners"][0]
        return Created(listener["ListenerArn"], {"arn": listener["ListenerArn"]})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            listener = first(aws.elbv2.describe_listeners(ListenerArns=[resource_id])["Listeners"])
            if listener is None:
                return None
            return without_none(
                {
                    "arn": resource_id,
                    "loadBalancerArn": listener["LoadBalancerArn"],
                    "port": listener.get("Port"),
                    "protocol": listener.get("Protocol"),
                    "sslPolicy": listener.get("SslPolicy"),
                }
            )

        return read_or_none(get, "ListenerNotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        certificate = news.get("certificateArn")
        aws.elbv2.modify_listener(
            ListenerArn=resource_id,
            Port=int(news["port"]),
            Protocol=news.get("protocol") or "HTTP",
            DefaultActions=_actions(news.get("defaultActions")),
            **without_none(
                {
                    "SslPolicy": news.get("sslPolicy"),
                    "Certificates": [{"CertificateArn": certificate}] if certificate else None,
                }
            ),
        )

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.elbv2.delete_listener(ListenerArn=resource_id)


def _health_check(inputs: Props) -> dict[str, Any]:
    check = inputs.get("healthCheck") or {}
    return without_none(
        {
            "HealthCheckPath": check.get("path"),
            "HealthCheckIntervalSeconds": _int(check.get("interval")),
            "HealthCheckTimeoutSeconds": _int(check.get("timeout")),
            "HealthyThresholdCount": _int(check.get("healthyThreshold")),
            "UnhealthyThresholdCount": _int(check.get("unhealthyThreshold")),
            "Matcher": {"HttpCode": check["matcher"]} if check.get("matcher") else None,
        }
    )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


@handles
class TargetGroup(Handler):
    type = "aws:lb/targetGroup:TargetGroup"
    kind = "ELBv2 Target Group"

    def create(self, aws: Aws, inputs: Props) -> Created:
        group = aws.elbv2.create_target_group(
            Name=inputs["name"],
            Port=int(inputs["port"]),
            Protocol=inputs.get("protocol") or "HTTP",
            VpcId=inputs["vpcId"],
            TargetType=inputs.get("targetType") or "instance",
            **_tags(aws, inputs),
            **_health_check(inputs),
        )["TargetGroups"][0]
        self._attributes(aws, group["TargetGroupArn"], inputs)
        return Created(group["TargetGroupArn"], self.read(aws, group["TargetGroupArn"]) or {})

    def _attributes(self, aws: Aws, arn: str, inputs: Props) -> None:
        delay = inputs.get("deregistrationDelay")
        if delay is not None:
            aws.elbv2.modify_target_group_attributes(
                TargetGroupArn=arn,
                Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": str(int(delay))}],
            )

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            group = first(aws.elbv2.describe_target_groups(TargetGroupArns=[resource_id])["TargetGroups"])
            if group is None:
                return None
            return without_none(
                {
                    "arn": resource_id,
                    "arnSuffix": resource_id.split(":", 5)[5],
                    "name": group["TargetGroupName"],
                    "port": group.get("Port"),
                    "protocol": group.get("Protocol"),
                    "targetType": group.get("TargetType"),
                    "vpcId": group.get("VpcId"),
                    "loadBalancerArns": group.get("LoadBalancerArns", []),
                }
            )

        return read_or_none(get, "TargetGroupNotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if "healthCheck" in changed:
            aws.elbv2.modify_target_group(TargetGroupArn=resource_id, **_health_check(news))
        if changed - {"healthCheck", "deregistrationDelay"}:
            super().apply(aws, resource_id, olds, news, changed - {"healthCheck", "deregistrationDelay"})
        self._attributes(aws, resource_id, news)

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.elbv2.delete_target_group(TargetGroupArn=resource_id)


def _conditions(conditions: list[Props] | None) -> list[dict[str, Any]]:
    """The program's rule conditions (``hostHeader``, ``pathPattern``) in the API's shape."""
    shaped = []
    for condition in conditions or []:
        if condition.get("hostHeader"):
            shaped.append({"Field": "host-header", "HostHeaderConfig": {"Values": condition["hostHeader"]["values"]}})
        if condition.get("pathPattern"):
            shaped.append(
                {"Field": "path-pattern", "PathPatternConfig": {"Values": condition["pathPattern"]["values"]}}
            )
    return shaped


@handles
class ListenerRule(Handler):
    type = "aws:lb/listenerRule:ListenerRule"
    kind = "ELBv2 Listener Rule"

    def create(self, aws: Aws, inputs: Props) -> Created:
        rule = aws.elbv2.create_rule(
            ListenerArn=inputs["listenerArn"],
            Priority=int(inputs["priority"]),
            Conditions=_conditions(inputs.get("conditions")),
            Actions=_actions(inputs.get("actions")),
            **_tags(aws, inputs),
        )["Rules"][0]
        return Created(rule["RuleArn"], {"arn": rule["RuleArn"]})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            rule = first(aws.elbv2.describe_rules(RuleArns=[resource_id])["Rules"])
            if rule is None:
                return None
            return {"arn": resource_id, "priority": int(rule["Priority"])}

        return read_or_none(get, "RuleNotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if "priority" in changed:
            aws.elbv2.set_rule_priorities(RulePriorities=[{"RuleArn": resource_id, "Priority": int(news["priority"])}])
        if changed & {"conditions", "actions"}:
            aws.elbv2.modify_rule(
                RuleArn=resource_id,
                Conditions=_conditions(news.get("conditions")),
                Actions=_actions(news.get("actions")),
            )

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.elbv2.delete_rule(RuleArn=resource_id)
