"""The tenant's own security group: its container port, reachable from the ALB only.

The tenant stack owns the ingress on its group; the ALB's side is one platform rule (the ALB group may send to the
services group on any TCP port, ``infra.platform.security``), so no tenant adds a rule to a shared group and a
fleet is not stopped at the 60 rules per group and direction of the default quota (an earlier release added an
egress rule per tenant to the ALB group; `tenant up` deletes it once the platform rule exists). One ingress rule
per port: during a port change the tasks still on the previous port stay reachable until the second pass deletes
its rule (README "Changing a tenant's port without an outage"). The service also stays in the platform's shared
services group, which is what the database admits on 5432 and what may go out.
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
    # The first pass of a port change (TenantInputs.changing_from): the deployed tasks' port, admitted too.
    previous_port: int | None = None


class TenantFirewall(pulumi.ComponentResource):
    group_id: pulumi.Output[str]
    rules: list[aws.vpc.SecurityGroupIngressRule]  # one per port; the container port's last

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
        ports = [args.container_port] if args.previous_port is None else [args.previous_port, args.container_port]
        # Named for its port; the deployed port's rule also answers to the name stacks deployed before port changes
        # gave their only rule ("<firewall>-in"), so they adopt it unchanged.
        self.rules = [
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-in-{port}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=args.alb_security_group_id,
                opts=pulumi.ResourceOptions(
                    parent=self, aliases=[pulumi.Alias(name=f"{name}-in")] if index == 0 else None
                ),
            )
            for index, port in enumerate(ports)
        ]
        self.group_id = group.id
        self.register_outputs({"group_id": self.group_id})
