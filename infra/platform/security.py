"""Security groups, least open: the internet reaches only the ALB (80, 443); the services reach the database
on 5432. Nothing else is allowed in.

The ALB reaches a tenant's container port through rules the tenant's own stack owns (``infra.tenant.firewall``):
the port is the tenant's to change with `tenant up` alone, and no platform update is needed for a new port."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import naming

POSTGRES_PORT = 5432


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
