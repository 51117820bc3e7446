"""Live checks of the network: availability zones, and room for the Elastic IPs and the VPC."""

from __future__ import annotations

from collections.abc import Iterator

from infra import aws_limits
from infra.addressing import nat_gateway_count
from saas_ctl.preflight.findings import Finding, error
from saas_ctl.preflight.live.context import AwsContext, account_quota
from saas_ctl.spec.models import TenantsFile


def availability_zones(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    zones = ctx.client("ec2").describe_availability_zones(
        Filters=[{"Name": "state", "Values": ["available"]}, {"Name": "zone-type", "Values": ["availability-zone"]}]
    )["AvailabilityZones"]
    wanted = spec.platform.network.availability_zones
    if len(zones) < wanted:
        yield error(
            "LIVE-AZ",
            ("platform", "network", "availability_zones"),
            f"{ctx.region} has {len(zones)} available availability zones; the spec asks for {wanted}",
            f"use availability_zones: {len(zones)} or less",
        )


def _ours(tags: list[dict[str, str]] | None, spec: TenantsFile) -> bool:
    values = {t["Key"]: t["Value"] for t in tags or []}
    return values.get("project") == spec.platform.project and values.get("environment") == spec.platform.environment


def elastic_ips(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    network = spec.platform.network
    needed = nat_gateway_count(network.nat_gateways, network.availability_zones)
    if needed == 0:
        return
    addresses = ctx.client("ec2").describe_addresses()["Addresses"]
    ours = sum(1 for a in addresses if _ours(a.get("Tags"), spec))
    quota, _ = account_quota(ctx, spec, aws_limits.ELASTIC_IPS_PER_REGION)
    new = max(needed - ours, 0)
    if len(addresses) + new > quota:
        yield error(
            "LIVE-EIP-QUOTA",
            ("platform", "network", "nat_gateways"),
            f"the NAT gateways need {new} more Elastic IPs; {len(addresses)} of the region's quota of {quota} "
            "are already allocated (AddressLimitExceeded)",
            "release unused Elastic IPs, request a higher quota (EC2 L-0263D0A3) or use nat_gateways: single",
        )


def vpcs(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    existing = ctx.client("ec2").describe_vpcs()["Vpcs"]
    if any(_ours(v.get("Tags"), spec) for v in existing):
        return
    quota, _ = account_quota(ctx, spec, aws_limits.VPCS_PER_REGION)
    if len(existing) + 1 > quota:
        yield error(
            "LIVE-VPC-QUOTA",
            ("platform", "network"),
            f"{len(existing)} VPCs already exist in {ctx.region}, the quota is {quota} (VpcLimitExceeded)",
            "delete an unused VPC or request a higher quota (VPC L-F678F1CE)",
        )
