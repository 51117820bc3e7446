"""The tenant's own security group: its container port, reachable from the ALB only.

The tenant stack owns both sides of the ALB -> service flow (the ingress on its group and the ALB group's
egress to it), so changing the tenant's ``container_port`` is a `tenant up` alone: the rules follow the port
in place, and no other tenant or the platform is touched. The service also stays in the platform's shared
services group, which is what the database admits on 5432 and what may go out (image pulls, AWS APIs).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class FirewallArgs:
    group_name: str
    vpc_id: pulumi.Input[str]
    alb_security_group_id: pulumi.Input[str]
    container_port: int


class TenantFirewall(pulumi.ComponentResource):
    group_id: pulumi.Output[str]

    def __init__(self, name: str, args: FirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:tenant:Firewall", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(
            f"{name}-group",
            name=args.group_name,
            vpc_id=args.vpc_id,
            # EC2 refuses an apostrophe here (limits.SECURITY_GROUP_CHARACTERS).
            description="Tenant Fargate tasks: the tenant container port from the ALB only",
            tags={"Name": args.group_name},
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-in",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=args.container_port,
            to_port=args.container_port,
            referenced_security_group_id=args.alb_security_group_id,
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out",
            security_group_id=args.alb_security_group_id,
            ip_protocol="tcp",
            from_port=args.container_port,
            to_port=args.container_port,
            referenced_security_group_id=group.id,
            opts=child,
        )
        self.group_id = group.id
        self.register_outputs({"group_id": self.group_id})
