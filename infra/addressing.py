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


def plan_subnets(vpc_cidr: str, az_count: int) -> SubnetPlan:
    """Equal blocks in address order: public subnets first (one per AZ), then private ones.

    The same spec always yields the same CIDRs, so re-running a deploy never moves a subnet.
    """
    vpc = ipaddress.IPv4Network(vpc_cidr)
    blocks = list(vpc.subnets(prefixlen_diff=subnet_bits(az_count)))
    return SubnetPlan(
        public=tuple(str(b) for b in blocks[:az_count]),
        private=tuple(str(b) for b in blocks[az_count : 2 * az_count]),
        prefixlen=blocks[0].prefixlen,
    )


def nat_gateway_count(mode: str, az_count: int) -> int:
    """NAT gateways (and so Elastic IPs) a ``nat_gateways`` setting creates: single 1, per_az one per AZ, none 0."""
    return {"single": 1, "per_az": az_count, "none": 0}[mode]
