"""The platform stack's outputs as one typed value: what every tenant program needs from the platform.

The platform program builds it from its resources and exports each field under a stable stack-output
key; :func:`PlatformOutputs.from_stack_outputs` turns the stack's outputs back into it, so tenant
programs never read untyped dictionaries. Pure: importing this module does not import pulumi.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True)
class PlatformOutputs:
    """Values are plain (read back from a stack) or ``pulumi.Output`` (inside the platform program)."""

    vpc_id: pulumi.Input[str]
    private_subnet_ids: pulumi.Input[list[str]]
    service_security_group_id: pulumi.Input[str]
    alb_security_group_id: pulumi.Input[str]
    load_balancer_arn: pulumi.Input[str]
    load_balancer_dns_name: pulumi.Input[str]
    load_balancer_zone_id: pulumi.Input[str]  # the ALB's canonical hosted zone, for alias records
    listener_arn: pulumi.Input[str]
    listener_protocol: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    database_endpoint: pulumi.Input[str]
    database_reader_endpoint: pulumi.Input[str]
    database_port: pulumi.Input[int]
    database_resource_id: pulumi.Input[str]
    database_master_secret_arn: pulumi.Input[str]
    database_cluster_arn: pulumi.Input[str]  # the Aurora cluster, for the RDS Data API
    dns_zone_id: pulumi.Input[str]  # the Route 53 zone tenant records go in; "" without platform.dns
    # What day-2 decisions read back: whether the deployed cluster is protected, and the platform's lifetime
    # (see ``infra.naming.PlatformNames.db_final_snapshot_identifier``).
    deletion_protection: pulumi.Input[bool]
    generation: pulumi.Input[str]

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The stack-output keys, one per field, in declaration order."""
        return tuple(f.name for f in fields(cls))

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.keys()}

    @classmethod
    def from_stack_outputs(cls, outputs: dict[str, Any]) -> PlatformOutputs:
        """Rebuild from a platform stack's outputs; raises ``KeyError`` naming the first missing key."""
        missing = [key for key in cls.keys() if key not in outputs]  # noqa: SIM118 - our keys(), not dict's
        if missing:
            raise KeyError(f"the platform stack has no output {missing[0]!r} (is it deployed with this version?)")
        return cls(**{key: outputs[key] for key in cls.keys()})  # noqa: SIM118

    @classmethod
    def placeholder(cls, region: str, base: str, dns_zone_id: str = "") -> PlatformOutputs:
        """Stand-in values for synthesising tenant stacks offline, shaped like the real ones."""
        account = "123456789012"
        return cls(
            vpc_id="vpc-00000000000000000",
            private_subnet_ids=["subnet-00000000000000001", "subnet-00000000000000002"],
            service_security_group_id="sg-00000000000000001",
            alb_security_group_id="sg-00000000000000002",
            load_balancer_arn=f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{base}-alb/0",
            load_balancer_dns_name=f"{base}-alb-0.{region}.elb.amazonaws.com",
            load_balancer_zone_id="Z35SXDOTRQ7X7K",
            listener_arn=f"arn:aws:elasticloadbalancing:{region}:{account}:listener/app/{base}-alb/0/0",
            listener_protocol="HTTP",
            cluster_arn=f"arn:aws:ecs:{region}:{account}:cluster/{base}",
            cluster_name=base,
            database_endpoint=f"{base}-aurora.cluster-0.{region}.rds.amazonaws.com",
            database_reader_endpoint=f"{base}-aurora.cluster-ro-0.{region}.rds.amazonaws.com",
            database_port=5432,
            database_resource_id="cluster-PLACEHOLDER",
            database_master_secret_arn=f"arn:aws:secretsmanager:{region}:{account}:secret:rds!cluster-0-AbCdEf",
            database_cluster_arn=f"arn:aws:rds:{region}:{account}:cluster:{base}-aurora",
            dns_zone_id=dns_zone_id,
            deletion_protection=False,
            generation="20260101000000",
        )
