"""Security groups, least open: the internet reaches only the ALB (80, 443); the services reach the database
on 5432. Nothing else is allowed in.

The ALB may send to the services group on any TCP port: one platform rule, whatever the number of tenants. A
security group holds 60 rules per direction by default (Service Quotas vpc L-0EA8095F, "Inbound or outbound rules
per security group", Amazon VPC User Guide, "Amazon VPC quotas"), so a rule per
tenant on a shared group stops the 61st tenant (RulesPerSecurityGroupLimitExceeded). What a task admits is its
own tenant group's ingress (``infra.tenant.firewall``): the tenant's container port from the ALB group, nothing
else; the services group admits nothing from the ALB, so that egress reaches no other tenant's port."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import naming

POSTGRES_PORT = 5432
ALL_PORTS = (1, 65535)


@dataclass(frozen=True)
class SecurityGroupsArgs:
    name: str
    vpc_id: pulumi.Input[str]
    vpc_cidr: str


class SecurityGroups(pulumi.ComponentResource):
    alb_id: pulumi.Output[str]
    services_id: pulumi.Output[str]
    database_id: pulumi.Output[str]

    def __init__(self, name: str, args: SecurityGroupsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:platform:SecurityGroups", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        def group(suffix: str, description: str) -> aws.ec2.SecurityGroup:
            # No inline rules: every rule below is its own resource, so nothing implicit (like the default
            # allow-all egress inline rules imply) slips in.
            return aws.ec2.SecurityGroup(
                f"{name}-{suffix}",
                vpc_id=args.vpc_id,
                description=description,
                name=naming.security_group(args.name, suffix),
                tags={"Name": naming.security_group(args.name, suffix)},
                opts=child,
            )

        alb = group("alb", "Internet-facing ALB: HTTP and HTTPS from anywhere")
        # The description predates per-tenant rules; it stays as it is because changing a security group's
        # description replaces the group, and tenant services use it.
        services = group("services", "Tenant Fargate services: container ports from the ALB only")
        database = group("database", "Aurora PostgreSQL: 5432 from tenant services only")

        def ingress(
            rule: str,
            sg: aws.ec2.SecurityGroup,
            port: int,
            cidr_ipv4: str | None = None,
            cidr_ipv6: str | None = None,
            source: aws.ec2.SecurityGroup | None = None,
        ) -> None:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-{rule}",
                security_group_id=sg.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4=cidr_ipv4,
                cidr_ipv6=cidr_ipv6,
                referenced_security_group_id=source.id if source else None,
                opts=child,
            )

        for port in (80, 443):
            ingress(f"alb-in-{port}-v4", alb, port, cidr_ipv4="0.0.0.0/0")
            ingress(f"alb-in-{port}-v6", alb, port, cidr_ipv6="::/0")
        ingress(f"database-in-{POSTGRES_PORT}", database, POSTGRES_PORT, source=services)
        # The ALB's way to every tenant's task (each task carries the services group); see the module's docstring.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out-services",
            security_group_id=alb.id,
            ip_protocol="tcp",
            from_port=ALL_PORTS[0],
            to_port=ALL_PORTS[1],
            referenced_security_group_id=services.id,
            opts=child,
        )
        # Services pull images and call AWS APIs through the NAT gateway, so they may go out anywhere.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-services-out-all",
            security_group_id=services.id,
            ip_protocol="-1",
            cidr_ipv4="0.0.0.0/0",
            opts=child,
        )

        self.alb_id = alb.id
        self.services_id = services.id
        self.database_id = database.id
        self.register_outputs({"alb_id": self.alb_id, "services_id": self.services_id})
