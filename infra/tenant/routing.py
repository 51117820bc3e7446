"""The tenant's ALB target group and the listener rule that sends its hosts to it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.inputs import SuspendedPage

# A suspended tenant's hosts get this status: 503 Service Unavailable, which clients and crawlers read as temporary.
SUSPENDED_STATUS = "503"


def rule_action(
    target_group_arn: pulumi.Input[str], page: SuspendedPage | None, warming: pulumi.Input[str] | None = None
) -> aws.lb.ListenerRuleActionArgs:
    """Forward to the tenant's targets, or (suspended) answer the page: ALB FixedResponseActionConfig. ``warming``:
    the new port's target group during the first pass of a port change, in the rule with weight 0, so that it
    takes no request (ELBv2 TargetGroupTuple: "Weight ... The range is 0 to 999"; AWS::ElasticLoadBalancingV2::
    ListenerRule TargetGroupTuple) yet is associated with the load balancer, as ECS requires of every target group
    of a service (ECS Developer Guide, "Use multiple target groups for a service")."""
    if page is not None:
        return aws.lb.ListenerRuleActionArgs(
            type="fixed-response",
            fixed_response=aws.lb.ListenerRuleActionFixedResponseArgs(
                content_type=page.content_type, message_body=page.body, status_code=SUSPENDED_STATUS
            ),
        )
    if warming is None:
        return aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_group_arn)
    weighted = aws.lb.ListenerRuleActionForwardTargetGroupArgs
    return aws.lb.ListenerRuleActionArgs(
        type="forward",
        forward=aws.lb.ListenerRuleActionForwardArgs(
            target_groups=[weighted(arn=target_group_arn, weight=1), weighted(arn=warming, weight=0)]
        ),
    )


@dataclass(frozen=True)
class RoutingArgs:
    target_group_name: str
    vpc_id: pulumi.Input[str]
    listener_arn: pulumi.Input[str]
    container_port: int
    health_check_path: str
    priority: int
    hosts: tuple[str, ...]
    suspended_page: SuspendedPage | None = None  # set: the rule answers it (HTTP 503) instead of forwarding
    # The first pass of a port change: the port the deployed tasks listen on and its target group's name, which the
    # rule keeps forwarding to (TenantInputs.changing_from).
    previous: tuple[int, str] | None = None


class TenantRouting(pulumi.ComponentResource):
    target_group_arns: list[pulumi.Output[str]]  # every group of this routing, the one the rule forwards to first
    rule: aws.lb.ListenerRule

    def __init__(self, name: str, args: RoutingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:tenant:Routing", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ports = [*([args.previous] if args.previous else []), (args.container_port, args.target_group_name)]
        # One target group per port, named for it: during a port change both exist, and the second pass keeps the
        # new port's under the name the first pass created it with. The group the rule forwards to also answers to
        # the name that stacks deployed before port changes gave their only group ("<routing>-targets"), so they
        # adopt it unchanged (an alias: pulumi/pulumi step_generator.go generateAliases, v3.274.1).
        groups = [
            self._target_group(
                f"{name}-targets-{port}", group_name, port, args, f"{name}-targets" if index == 0 else None
            )
            for index, (port, group_name) in enumerate(ports)
        ]
        serving, new = groups[0], groups[-1]
        self.rule = aws.lb.ListenerRule(
            f"{name}-rule",
            listener_arn=args.listener_arn,
            priority=args.priority,
            actions=[rule_action(serving.arn, args.suspended_page, new.arn if new is not serving else None)],
            conditions=[
                aws.lb.ListenerRuleConditionArgs(
                    host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=list(args.hosts))
                )
            ],
            opts=child,
        )
        self.target_group_arns = [group.arn for group in groups]
        self.register_outputs({"target_group_arn": self.target_group_arn})

    @property
    def target_group_arn(self) -> pulumi.Output[str]:
        """The group the rule forwards to."""
        return self.target_group_arns[0]

    @property
    def new_target_group_arn(self) -> pulumi.Output[str]:
        """The container port's group: the same one outside a port change."""
        return self.target_group_arns[-1]

    def _target_group(
        self, name: str, group_name: str, port: int, args: RoutingArgs, alias: str | None
    ) -> aws.lb.TargetGroup:
        # Fargate tasks use awsvpc networking, which only 'ip' target groups accept.
        # A replaced target group is created before the old one is deleted: its name carries everything that
        # replaces it (port, cell; a new hash after an upgrade of saasctl, README "Upgrading"), so the two coexist,
        # and the listener rule and the service move to the new one (updated in place) before the old one goes.
        # Left to pulumi-aws, an explicitly named resource is replaced delete-first (pulumi-terraform-bridge
        # pkg/tfbridge/schema.go nameRequiresDeleteBeforeReplace), and AWS refuses to delete a target group a rule
        # still forwards to (ResourceInUse); the option overrides the provider's answer (pulumi/pulumi
        # pkg/resource/deploy/step_generator.go continueStepsFromDiff, v3.274.1).
        # The health check runs on "traffic-port", the port each target is registered with (ELBv2
        # CreateTargetGroup, HealthCheckPort: "the default is traffic-port, which is the port on which each target
        # receives traffic from the load balancer"), so during a port change the previous port's group checks the
        # new tasks on the new port.
        return aws.lb.TargetGroup(
            name,
            name=group_name,
            port=port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=args.vpc_id,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                path=args.health_check_path,
                matcher="200-399",
                interval=15,
                healthy_threshold=2,
                unhealthy_threshold=3,
                timeout=5,
            ),
            opts=pulumi.ResourceOptions(
                parent=self, delete_before_replace=False, aliases=[pulumi.Alias(name=alias)] if alias else None
            ),
        )
