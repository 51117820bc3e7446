"""How the VPC block is carved into subnets: pure and deterministic, shared by the network and validation."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class SubnetPlan:
    public: tuple[str, ...]
    private: tuple[str, ...]
    prefixlen: int


def subnet_bits(az_count: int) -> int:
    """Extra prefix bits that give one public and one private block per AZ (equal blocks, a power of two)."""
    return (2 * az_count - 1).bit_length()


def plan_subnets(vpc_cidr: str, az_count: int, max_zones: int | None = None) -> SubnetPlan:
    """Equal blocks carved as if ``max_zones`` zones existed: public slots first (one per zone), then private
    ones; zone i always gets slot i of each, so raising ``az_count`` up to ``max_zones`` only adds subnets and
    moves none. ``max_zones`` None is the layout of platforms deployed before it existed: carved for exactly
    ``az_count`` zones (kept for them, since re-carving replaces every subnet).

    The same inputs always yield the same CIDRs, so re-running a deploy never moves a subnet.
    """
    slots = az_count if max_zones is None else max_zones
    vpc = ipaddress.IPv4Network(vpc_cidr)
    blocks = list(vpc.subnets(prefixlen_diff=subnet_bits(slots)))
    return SubnetPlan(
        public=tuple(str(b) for b in blocks[:az_count]),
        private=tuple(str(b) for b in blocks[slots : slots + az_count]),
        prefixlen=blocks[0].prefixlen,
    )


def largest_max_zones(vpc_prefix: int, smallest_subnet_prefix: int) -> int:
    """The most zones whose public and private slots, each at least ``smallest_subnet_prefix``, fit a VPC block
    of ``vpc_prefix`` (0 when not even one zone fits)."""
    return 2 ** (smallest_subnet_prefix - vpc_prefix) // 2 if smallest_subnet_prefix >= vpc_prefix else 0


def nat_gateway_count(mode: str, az_count: int) -> int:
    """NAT gateways (and so Elastic IPs) a ``nat_gateways`` setting creates: single 1, per_az one per AZ, none 0."""
    return {"single": 1, "per_az": az_count, "none": 0}[mode]
