"""What the programs are built from: plain values, no spec. infra/ is a leaf: it knows AWS and Pulumi, not
tenants.yaml; saas_ctl/stacks/inputs.py is the one place that turns a spec into these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

NatGateways = Literal["single", "per_az", "none"]


@dataclass(frozen=True)
class Environment:
    """What names and tags every resource of an environment: shared by the platform and its tenants."""

    project: str
    environment: str
    region: str
    log_retention_days: int
    dns: bool = False  # whether a hosted zone is managed: tenants get alias records in it
    dns_take_over: bool = False  # replace an A record already at a tenant's host (Route 53 UPSERT)


@dataclass(frozen=True)
class PlatformInputs:
    environment: Environment
    tags: Mapping[str, str]  # the user's platform tags (naming.tags adds project and environment)
    vpc_cidr: str
    availability_zones: int
    # The zones the subnets are carved for (infra.addressing.plan_subnets); None: carved for exactly
    # availability_zones, the layout of platforms deployed before max_zones existed, which they keep.
    max_zones: int | None
    nat_gateways: NatGateways
    engine_version: str
    instance_class: str
    instances: int
    backup_retention_days: int
    deletion_protection: bool
    throwaway: bool  # destroyed without a final snapshot
    certificate_arn: str | None
    cells: int  # load balancers to run
    dns_zone_id: str | None = None
    dns_zone_name: str | None = None
    restore_from: str | None = None  # a DB cluster snapshot the cluster is created from (read at creation only)
    # The deployed cluster already runs engine_version (infra.platform.database leaves the version alone then).
    engine_version_runs: bool = False


@dataclass(frozen=True)
class TenantInputs:
    """One tenant's effective settings (its defaults applied)."""

    environment: Environment
    name: str
    hosts: tuple[str, ...]
    priority: int
    cell: int
    tags: Mapping[str, str]  # the user's tags, the platform's included
    image: str
    container_port: int
    cpu: int
    memory: int
    desired_count: int
    min_count: int
    max_count: int
    cpu_target: int
    health_check_path: str
    variables: dict[str, str] = field(default_factory=dict)  # the container's environment variables
    log_retention_days: int | None = None  # None: the environment's
    # Suspended: no tasks (desired count and scaling 0) and the listener rule answers this page with HTTP 503;
    # everything else (bucket, secret, database, log group, target group) stays as it is.
    suspended: bool = False
    suspended_page: SuspendedPage | None = None
    # Set only by the first pass of `tenant move` (README "Moving a tenant without an outage"): the cell the tenant
    # is served from while its service also registers in ``cell``'s target group, behind ``cell``'s listener rule;
    # DNS and the stack's outputs stay on this cell. A plain deploy leaves it None: one cell, no intermediate state.
    previous_cell: PreviousCell | None = None
    # Set only by the first pass of a port change (README "Changing a tenant's port without an outage"): the port
    # the deployed tasks listen on. Its target group stays behind the listener rule, which forwards to it alone (the
    # new port's group is in the rule with weight 0), while the service's new tasks, on ``container_port``, are
    # registered in both groups. A plain deploy leaves it None.
    previous_port: int | None = None

    @property
    def changing_from(self) -> int | None:
        """The port a port change's first pass changes from; None when no port changes."""
        return self.previous_port if self.previous_port != self.container_port else None

    @property
    def changing_port(self) -> bool:
        return self.changing_from is not None

    @property
    def serving_port(self) -> int:
        """The port of the target group the listener rule forwards to: the previous one during a port change."""
        return self.changing_from if self.changing_from is not None else self.container_port

    @property
    def moving_from(self) -> PreviousCell | None:
        """The cell a move's first pass moves from; None when the tenant does not move."""
        previous = self.previous_cell
        return previous if previous is not None and previous.cell != self.cell else None

    @property
    def moving(self) -> bool:
        return self.moving_from is not None

    @property
    def serving_cell(self) -> int:
        """The cell whose load balancer DNS names and the stack reports: the previous one during a move."""
        previous = self.moving_from
        return previous.cell if previous is not None and not previous.switched else self.cell

    def priority_in(self, cell: int) -> int:
        """The listener rule's priority in ``cell``: the previous cell's rule keeps the one it has."""
        previous = self.moving_from
        return previous.priority if previous is not None and cell == previous.cell else self.priority


@dataclass(frozen=True)
class PreviousCell:
    """Where a moving tenant is served from until the second pass of its move: its cell and rule priority there."""

    cell: int
    priority: int
    # With DNS, the move's second pass: DNS and the outputs already name the new cell, and the previous cell's rule
    # and target group stay until clients' cached answers for the old load balancer have expired.
    switched: bool = False


@dataclass(frozen=True)
class SuspendedPage:
    content_type: str
    body: str
