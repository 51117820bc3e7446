"""VPC, one public and one private subnet per AZ, internet gateway, NAT gateways and routes."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.addressing import nat_gateway_count, plan_subnets
from infra.inputs import NatGateways


@dataclass(frozen=True)
class NetworkArgs:
    name: str
    vpc_cidr: str
    availability_zones: int
    max_zones: int | None  # the zones the subnets are carved for; None: exactly availability_zones (legacy)
    nat_gateways: NatGateways


class Network(pulumi.ComponentResource):
    vpc_id: pulumi.Output[str]
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:platform:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        plan = plan_subnets(args.vpc_cidr, args.availability_zones, args.max_zones)
        # Standard zones only, as preflight counts them (ec2:DescribeAvailabilityZones with zone-type
        # availability-zone): a Region's Local Zones and Wavelength Zones the account opted into are listed too
        # otherwise, and an ALB, NAT gateway or Aurora subnet there fails.
        zones = aws.get_availability_zones_output(
            state="available",
            filters=[aws.GetAvailabilityZonesFilterArgs(name="zone-type", values=["availability-zone"])],
            opts=pulumi.InvokeOutputOptions(parent=self),
        )

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": args.name},
            opts=child,
        )
        gateway = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags={"Name": f"{args.name}-igw"}, opts=child)
        public_routes = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=gateway.id)],
            tags={"Name": f"{args.name}-public"},
            opts=child,
        )

        def subnet(tier: str, index: int, cidr: str) -> aws.ec2.Subnet:
            return aws.ec2.Subnet(
                f"{name}-{tier}-{index}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=zones.names[index],
                map_public_ip_on_launch=False,  # nothing here gets a public IP implicitly: the ALB is public
                tags={"Name": f"{args.name}-{tier}-{index}", "tier": tier},
                opts=child,
            )

        public = [subnet("public", i, cidr) for i, cidr in enumerate(plan.public)]
        private = [subnet("private", i, cidr) for i, cidr in enumerate(plan.private)]
        associations = [
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{index}", subnet_id=public_subnet.id, route_table_id=public_routes.id, opts=child
            )
            for index, public_subnet in enumerate(public)
        ]

        nats = self._nat_gateways(name, args, public, child, depends_on=gateway)
        for index, private_subnet in enumerate(private):
            routes = []
            if nats:
                nat = nats[index] if args.nat_gateways == "per_az" else nats[0]
                routes.append(aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id))
            table = aws.ec2.RouteTable(
                f"{name}-private-{index}",
                vpc_id=vpc.id,
                routes=routes,
                tags={"Name": f"{args.name}-private-{index}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}", subnet_id=private_subnet.id, route_table_id=table.id, opts=child
            )

        # What an internet-facing ALB needs before it is created: the gateway attached to the VPC and the public
        # subnets routed to it. CreateLoadBalancer refuses a VPC without an attached internet gateway
        # (InvalidSubnet: "VPC ... has no internet gateway"), and the engine orders only by the references it sees:
        # the ALB names the subnets, not the gateway or the routes.
        self.internet_ready: list[pulumi.Resource] = [gateway, public_routes, *associations]
        self.vpc_id = vpc.id
        self.public_subnet_ids = [s.id for s in public]
        self.private_subnet_ids = [s.id for s in private]
        self.register_outputs({"vpc_id": self.vpc_id})

    @staticmethod
    def _nat_gateways(
        name: str,
        args: NetworkArgs,
        public: list[aws.ec2.Subnet],
        child: pulumi.ResourceOptions,
        depends_on: pulumi.Resource,
    ) -> list[aws.ec2.NatGateway]:
        count = nat_gateway_count(args.nat_gateways, args.availability_zones)
        nats = []
        for index in range(count):
            address = aws.ec2.Eip(
                f"{name}-nat-{index}",
                domain="vpc",
                tags={"Name": f"{args.name}-nat-{index}"},
                opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[depends_on])),
            )
            nats.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{index}",
                    allocation_id=address.id,
                    subnet_id=public[index].id,
                    tags={"Name": f"{args.name}-nat-{index}"},
                    opts=child,
                )
            )
        return nats
