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


# Every stack records where it was deployed, under this output: saasctl refuses to act on a stack recorded for
# another project, environment, Region or account (several environments may share one state backend and one
# account). Stacks deployed before it existed are judged by the ARNs among their outputs.
OWNER_OUTPUT = "owner"
# A tenant stack records whether it was deployed suspended: the deploy that resumes it sets its desired count again.
SUSPENDED_OUTPUT = "suspended"
# Only while a tenant stack is between the two passes of `tenant move`: the cell it moves to, and that cell's target
# group, which saasctl waits to be healthy before the second pass switches DNS and removes the previous cell's routing.
MOVING_TO_OUTPUT = "moving_to"
MOVING_TARGET_GROUP_OUTPUT = "moving_target_group_arn"
# The port of the target group a tenant's listener rule forwards to (the port its tasks listened on when deployed);
# and only while a tenant stack is between the two passes of a port change: the port it changes to, and that port's
# target group, which saasctl waits to be healthy before the second pass switches the rule to it.
CONTAINER_PORT_OUTPUT = "container_port"
PORT_CHANGING_TO_OUTPUT = "port_changing_to"
PORT_TARGET_GROUP_OUTPUT = "port_target_group_arn"
# The Aurora engine version the cluster runs, as AWS reports it (engine_version_actual).
ENGINE_VERSION_OUTPUT = "database_engine_version"
# The network the platform was deployed with ({"vpc_cidr": ..., "availability_zones": N, "max_zones": M}): the
# block and the carving cannot change in place, so a deploy that would change them is refused before anything runs
# (saas_ctl.stacks.guards). No "max_zones": deployed before it existed, carved for exactly availability_zones; the
# program keeps that carving (saas_ctl.stacks.targets.carved_for).
NETWORK_OUTPUT = "network"


def network_record(vpc_cidr: str, availability_zones: int, max_zones: int | None) -> dict[str, Any]:
    """The ``network`` output: what the subnets were carved from."""
    record: dict[str, Any] = {"vpc_cidr": vpc_cidr, "availability_zones": availability_zones}
    if max_zones is not None:
        record["max_zones"] = max_zones
    return record


def owner_record(project: str, environment: str, region: str, account: Any) -> dict[str, Any]:
    """The ``owner`` output of a stack (``account`` may be a ``pulumi.Output`` inside a program)."""
    return {"project": project, "environment": environment, "region": region, "account": account}


@dataclass(frozen=True)
class CellOutputs:
    """One cell of a deployed platform: its ALB and the listener its tenants' rules attach to."""

    cell: int
    load_balancer_arn: str
    load_balancer_dns_name: str
    load_balancer_zone_id: str
    listener_arn: str

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


class CellNotDeployed(KeyError):
    """The platform stack has no such cell (yet): `saasctl platform up` creates it."""


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
    # Every cell as a CellOutputs-shaped mapping, cell 1 first. The load_balancer_* and listener_* fields
    # above are cell 1's, kept for environments (and readers) from before cells.
    cells: pulumi.Input[list[dict[str, Any]]]

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The stack-output keys, one per field, in declaration order."""
        return tuple(f.name for f in fields(cls))

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.keys()}

    @classmethod
    def from_stack_outputs(cls, outputs: dict[str, Any]) -> PlatformOutputs:
        """Rebuild from a platform stack's outputs; raises ``KeyError`` naming the first missing key.

        A platform deployed before cells has no ``cells`` output: its one ALB is cell 1."""
        if "cells" not in outputs:
            outputs = {**outputs, "cells": [_legacy_cell(outputs)]}
        missing = [key for key in cls.keys() if key not in outputs]  # noqa: SIM118 - our keys(), not dict's
        if missing:
            raise KeyError(f"the platform stack has no output {missing[0]!r} (is it deployed with this version?)")
        return cls(**{key: outputs[key] for key in cls.keys()})  # noqa: SIM118

    def account(self) -> str:
        """The AWS account the platform is deployed in, from its cluster's ARN (arn:PARTITION:rds:REGION:ACCOUNT:
        cluster:ID; plain values only)."""
        return str(self.database_cluster_arn).split(":")[4]

    def cell_numbers(self) -> list[int]:
        """The deployed cells (plain values only: outputs read back from a stack, or placeholders)."""
        return [int(entry["cell"]) for entry in self._cells()]

    def cell(self, number: int) -> CellOutputs:
        """Cell ``number`` of a deployed platform; raises :class:`CellNotDeployed` when it has none."""
        for entry in self._cells():
            if int(entry["cell"]) == number:
                return CellOutputs(**{key: entry[key] for key in CellOutputs.keys()})  # noqa: SIM118
        deployed = ", ".join(str(n) for n in self.cell_numbers())
        raise CellNotDeployed(f"the platform has no cell {number} (deployed cells: {deployed})")

    def _cells(self) -> list[dict[str, Any]]:
        return list(self.cells)  # type: ignore[arg-type]  # plain values here, never Outputs

    @classmethod
    def placeholder(cls, region: str, base: str, dns_zone_id: str = "", cells: int = 1) -> PlatformOutputs:
        """Stand-in values for synthesising tenant stacks offline, shaped like the real ones."""
        account = "123456789012"
        stand_ins = [_placeholder_cell(region, account, base, n) for n in range(1, cells + 1)]
        first = stand_ins[0]
        return cls(
            vpc_id="vpc-00000000000000000",
            private_subnet_ids=["subnet-00000000000000001", "subnet-00000000000000002"],
            service_security_group_id="sg-00000000000000001",
            alb_security_group_id="sg-00000000000000002",
            load_balancer_arn=first["load_balancer_arn"],
            load_balancer_dns_name=first["load_balancer_dns_name"],
            load_balancer_zone_id=first["load_balancer_zone_id"],
            listener_arn=first["listener_arn"],
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
            cells=stand_ins,
        )


def _legacy_cell(outputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "cell": 1,
        **{key: outputs.get(key) for key in CellOutputs.keys() if key != "cell"},  # noqa: SIM118
    }


def _placeholder_cell(region: str, account: str, base: str, cell: int) -> dict[str, Any]:
    alb = f"{base}-alb" if cell == 1 else f"{base}-alb-{cell}"
    return {
        "cell": cell,
        "load_balancer_arn": f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{alb}/0",
        "load_balancer_dns_name": f"{alb}-0.{region}.elb.amazonaws.com",
        "load_balancer_zone_id": "Z35SXDOTRQ7X7K",
        "listener_arn": f"arn:aws:elasticloadbalancing:{region}:{account}:listener/app/{alb}/0/0",
    }
