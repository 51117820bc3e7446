"""The tenant's ALB target group and the listener rule that sends its hosts to it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.inputs import SuspendedPage

# A suspended tenant's hosts get this status: 503 Service Unavailable, which clients and crawlers read as temporary.
SUSPENDED_STATUS = "503"


def rule_action(target_group_arn: pulumi.Input[str], page: SuspendedPage | None) -> aws.lb.ListenerRuleActionArgs:
    """Forward to the tenant's targets, or (suspended) answer the page: ALB FixedResponseActionConfig."""
    if page is None:
        return aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_group_arn)
    return aws.lb.ListenerRuleActionArgs(
        type="fixed-response",
        fixed_response=aws.lb.ListenerRuleActionFixedResponseArgs(
            content_type=page.content_type, message_body=page.body, status_code=SUSPENDED_STATUS
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


class TenantRouting(pulumi.ComponentResource):
    target_group_arn: pulumi.Output[str]
    rule: aws.lb.ListenerRule

    def __init__(self, name: str, args: RoutingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:tenant:Routing", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Fargate tasks use awsvpc networking, which only 'ip' target groups accept.
        # A replaced target group is created before the old one is deleted: its name carries everything that
        # replaces it (port, cell; a new hash after an upgrade of saasctl, README "Upgrading"), so the two coexist,
        # and the listener rule and the service move to the new one (updated in place) before the old one goes.
        # Left to pulumi-aws, an explicitly named resource is replaced delete-first (pulumi-terraform-bridge
        # pkg/tfbridge/schema.go nameRequiresDeleteBeforeReplace), and AWS refuses to delete a target group a rule
        # still forwards to (ResourceInUse); the option overrides the provider's answer (pulumi/pulumi
        # pkg/resource/deploy/step_generator.go continueStepsFromDiff, v3.274.1).
        replaced_first = pulumi.ResourceOptions(parent=self, delete_before_replace=False)
        group = aws.lb.TargetGroup(
            f"{name}-targets",
            name=args.target_group_name,
            port=args.container_port,
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
            opts=replaced_first,
        )
        self.rule = aws.lb.ListenerRule(
            f"{name}-rule",
            listener_arn=args.listener_arn,
            priority=args.priority,
            actions=[rule_action(group.arn, args.suspended_page)],
            conditions=[
                aws.lb.ListenerRuleConditionArgs(
                    host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=list(args.hosts))
                )
            ],
            opts=child,
        )
        self.target_group_arn = group.arn
        self.register_outputs({"target_group_arn": self.target_group_arn})
