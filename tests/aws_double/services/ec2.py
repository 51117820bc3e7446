"""EC2 networking: VPC, subnets, internet gateway, route tables and their associations, Elastic IPs, NAT gateways.

The calls are those of terraform-provider-aws ``internal/service/ec2`` (``vpc_.go``, ``vpc_subnet.go``,
``vpc_internet_gateway.go``, ``vpc_route_table.go``, ``vpc_route_table_association.go``, ``ec2_eip.go``,
``vpc_nat_gateway.go``), made on moto's EC2.
"""

from __future__ import annotations

from typing import Any

from tests.aws_double.aws import Aws
from tests.aws_double.services.base import Created, Handler, Props, first, handles, read_or_none, without_none


def _arn(aws: Aws, resource: str) -> str:
    return f"arn:aws:ec2:{aws.region}:{aws.account}:{resource}"


@handles
class Vpc(Handler):
    type = "aws:ec2/vpc:Vpc"
    kind = "EC2 VPC"

    def create(self, aws: Aws, inputs: Props) -> Created:
        vpc = aws.ec2.create_vpc(
            CidrBlock=inputs["cidrBlock"], TagSpecifications=aws.tag_specifications("vpc", inputs)
        )["Vpc"]
        self._attributes(aws, vpc["VpcId"], inputs)
        return Created(vpc["VpcId"], self.read(aws, vpc["VpcId"]) or {})

    def _attributes(self, aws: Aws, vpc_id: str, inputs: Props) -> None:
        # Defaults of the schema: DNS support on, DNS host names off.
        aws.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": inputs.get("enableDnsSupport", True)})
        aws.ec2.modify_vpc_attribute(
            VpcId=vpc_id, EnableDnsHostnames={"Value": inputs.get("enableDnsHostnames", False)}
        )

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            vpc = first(aws.ec2.describe_vpcs(VpcIds=[resource_id])["Vpcs"])
            if vpc is None:
                return None
            support = aws.ec2.describe_vpc_attribute(VpcId=resource_id, Attribute="enableDnsSupport")
            hostnames = aws.ec2.describe_vpc_attribute(VpcId=resource_id, Attribute="enableDnsHostnames")
            groups = aws.ec2.describe_security_groups(
                Filters=[{"Name": "vpc-id", "Values": [resource_id]}, {"Name": "group-name", "Values": ["default"]}]
            )["SecurityGroups"]
            main = aws.ec2.describe_route_tables(
                Filters=[{"Name": "vpc-id", "Values": [resource_id]}, {"Name": "association.main", "Values": ["true"]}]
            )["RouteTables"]
            return without_none(
                {
                    "arn": _arn(aws, f"vpc/{resource_id}"),
                    "cidrBlock": vpc["CidrBlock"],
                    "instanceTenancy": vpc.get("InstanceTenancy"),
                    "ownerId": vpc.get("OwnerId"),
                    "enableDnsSupport": support["EnableDnsSupport"]["Value"],
                    "enableDnsHostnames": hostnames["EnableDnsHostnames"]["Value"],
                    "defaultSecurityGroupId": groups[0]["GroupId"] if groups else None,
                    "mainRouteTableId": main[0]["RouteTableId"] if main else None,
                    "defaultRouteTableId": main[0]["RouteTableId"] if main else None,
                }
            )

        return read_or_none(get, "InvalidVpcID.NotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"enableDnsSupport", "enableDnsHostnames"}:
            super().apply(aws, resource_id, olds, news, changed)
        self._attributes(aws, resource_id, news)

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.ec2.delete_vpc(VpcId=resource_id)


@handles
class Subnet(Handler):
    type = "aws:ec2/subnet:Subnet"
    kind = "EC2 Subnet"

    def create(self, aws: Aws, inputs: Props) -> Created:
        subnet = aws.ec2.create_subnet(
            VpcId=inputs["vpcId"],
            CidrBlock=inputs["cidrBlock"],
            TagSpecifications=aws.tag_specifications("subnet", inputs),
            **without_none({"AvailabilityZone": inputs.get("availabilityZone")}),
        )["Subnet"]
        if inputs.get("mapPublicIpOnLaunch"):
            self._map_public_ip(aws, subnet["SubnetId"], True)
        return Created(subnet["SubnetId"], self.read(aws, subnet["SubnetId"]) or {})

    def _map_public_ip(self, aws: Aws, subnet_id: str, value: bool) -> None:
        aws.ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": value})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            subnet = first(aws.ec2.describe_subnets(SubnetIds=[resource_id])["Subnets"])
            if subnet is None:
                return None
            return without_none(
                {
                    "arn": subnet.get("SubnetArn") or _arn(aws, f"subnet/{resource_id}"),
                    "vpcId": subnet["VpcId"],
                    "cidrBlock": subnet["CidrBlock"],
                    "availabilityZone": subnet["AvailabilityZone"],
                    "availabilityZoneId": subnet.get("AvailabilityZoneId"),
                    "mapPublicIpOnLaunch": subnet.get("MapPublicIpOnLaunch", False),
                    "ownerId": subnet.get("OwnerId"),
                }
            )

        return read_or_none(get, "InvalidSubnetID.NotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"mapPublicIpOnLaunch"}:
            super().apply(aws, resource_id, olds, news, changed)
        self._map_public_ip(aws, resource_id, bool(news.get("mapPublicIpOnLaunch")))

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.ec2.delete_subnet(SubnetId=resource_id)


@handles
class InternetGateway(Handler):
    type = "aws:ec2/internetGateway:InternetGateway"
    kind = "EC2 Internet Gateway"

    def create(self, aws: Aws, inputs: Props) -> Created:
        gateway = aws.ec2.create_internet_gateway(TagSpecifications=aws.tag_specifications("internet-gateway", inputs))[
            "InternetGateway"
        ]
        if inputs.get("vpcId"):
            aws.ec2.attach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=inputs["vpcId"])
        return Created(gateway["InternetGatewayId"], self.read(aws, gateway["InternetGatewayId"]) or {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            gateway = first(aws.ec2.describe_internet_gateways(InternetGatewayIds=[resource_id])["InternetGateways"])
            if gateway is None:
                return None
            attached = first(gateway.get("Attachments") or [])
            return without_none(
                {
                    "arn": _arn(aws, f"internet-gateway/{resource_id}"),
                    "ownerId": gateway.get("OwnerId"),
                    "vpcId": attached["VpcId"] if attached else None,
                }
            )

        return read_or_none(get, "InvalidInternetGatewayID.NotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"vpcId"}:
            super().apply(aws, resource_id, olds, news, changed)
        if olds.get("vpcId"):
            aws.ec2.detach_internet_gateway(InternetGatewayId=resource_id, VpcId=olds["vpcId"])
        if news.get("vpcId"):
            aws.ec2.attach_internet_gateway(InternetGatewayId=resource_id, VpcId=news["vpcId"])

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        current = self.read(aws, resource_id) or {}
        if current.get("vpcId"):
            aws.ec2.detach_internet_gateway(InternetGatewayId=resource_id, VpcId=current["vpcId"])
        aws.ec2.delete_internet_gateway(InternetGatewayId=resource_id)


def _route(route: Props) -> dict[str, Any]:
    """A route of the program (``routes`` of a route table) as CreateRoute's arguments."""
    return without_none(
        {
            "DestinationCidrBlock": route.get("cidrBlock"),
            "DestinationIpv6CidrBlock": route.get("ipv6CidrBlock"),
            "GatewayId": route.get("gatewayId"),
            "NatGatewayId": route.get("natGatewayId"),
        }
    )


@handles
class RouteTable(Handler):
    type = "aws:ec2/routeTable:RouteTable"
    kind = "Route Table"

    def create(self, aws: Aws, inputs: Props) -> Created:
        table = aws.ec2.create_route_table(
            VpcId=inputs["vpcId"], TagSpecifications=aws.tag_specifications("route-table", inputs)
        )["RouteTable"]
        for route in inputs.get("routes") or []:
            aws.ec2.create_route(RouteTableId=table["RouteTableId"], **_route(route))
        return Created(table["RouteTableId"], self.read(aws, table["RouteTableId"]) or {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            table = first(aws.ec2.describe_route_tables(RouteTableIds=[resource_id])["RouteTables"])
            if table is None:
                return None
            routes = [
                without_none(
                    {
                        "cidrBlock": r.get("DestinationCidrBlock"),
                        "ipv6CidrBlock": r.get("DestinationIpv6CidrBlock"),
                        "gatewayId": r.get("GatewayId"),
                        "natGatewayId": r.get("NatGatewayId"),
                    }
                )
                # The VPC's own (local) route is not one of the table's routes in the schema.
                for r in table.get("Routes", [])
                if r.get("GatewayId") != "local"
            ]
            return {
                "arn": _arn(aws, f"route-table/{resource_id}"),
                "vpcId": table["VpcId"],
                "ownerId": table.get("OwnerId"),
                "routes": routes,
            }

        return read_or_none(get, "InvalidRouteTableID.NotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"routes"}:
            super().apply(aws, resource_id, olds, news, changed)
        old = {r.get("cidrBlock") or r.get("ipv6CidrBlock"): r for r in olds.get("routes") or []}
        new = {r.get("cidrBlock") or r.get("ipv6CidrBlock"): r for r in news.get("routes") or []}
        for destination, route in old.items():
            if destination not in new:
                destination_key = "DestinationCidrBlock" if route.get("cidrBlock") else "DestinationIpv6CidrBlock"
                aws.ec2.delete_route(RouteTableId=resource_id, **{destination_key: destination})
        for destination, route in new.items():
            if destination not in old:
                aws.ec2.create_route(RouteTableId=resource_id, **_route(route))
            elif route != old[destination]:
                aws.ec2.replace_route(RouteTableId=resource_id, **_route(route))

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.ec2.delete_route_table(RouteTableId=resource_id)


@handles
class RouteTableAssociation(Handler):
    type = "aws:ec2/routeTableAssociation:RouteTableAssociation"
    kind = "Route Table Association"

    def create(self, aws: Aws, inputs: Props) -> Created:
        answer = aws.ec2.associate_route_table(SubnetId=inputs["subnetId"], RouteTableId=inputs["routeTableId"])
        return Created(answer["AssociationId"], {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        tables = aws.ec2.describe_route_tables(
            Filters=[{"Name": "association.route-table-association-id", "Values": [resource_id]}]
        )["RouteTables"]
        for table in tables:
            for association in table.get("Associations", []):
                if association.get("RouteTableAssociationId") == resource_id:
                    return without_none(
                        {"subnetId": association.get("SubnetId"), "routeTableId": association["RouteTableId"]}
                    )
        return None

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.ec2.disassociate_route_table(AssociationId=resource_id)


@handles
class Eip(Handler):
    type = "aws:ec2/eip:Eip"
    kind = "EC2 EIP"

    def create(self, aws: Aws, inputs: Props) -> Created:
        address = aws.ec2.allocate_address(
            Domain=inputs.get("domain") or "vpc", TagSpecifications=aws.tag_specifications("elastic-ip", inputs)
        )
        return Created(address["AllocationId"], self.read(aws, address["AllocationId"]) or {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            address = first(aws.ec2.describe_addresses(AllocationIds=[resource_id])["Addresses"])
            if address is None:
                return None
            return without_none(
                {
                    "arn": _arn(aws, f"elastic-ip/{resource_id}"),
                    "allocationId": resource_id,
                    "domain": address.get("Domain"),
                    "publicIp": address.get("PublicIp"),
                    "associationId": address.get("AssociationId"),
                    "networkInterface": address.get("NetworkInterfaceId"),
                    "privateIp": address.get("PrivateIpAddress"),
                }
            )

        return read_or_none(get, "InvalidAllocationID.NotFound")

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.ec2.release_address(AllocationId=resource_id)


@handles
class NatGateway(Handler):
    type = "aws:ec2/natGateway:NatGateway"
    kind = "EC2 NAT Gateway"

    def create(self, aws: Aws, inputs: Props) -> Created:
        gateway = aws.ec2.create_nat_gateway(
            SubnetId=inputs["subnetId"],
            TagSpecifications=aws.tag_specifications("natgateway", inputs),
            **without_none({"AllocationId": inputs.get("allocationId")}),
        )["NatGateway"]
        return Created(gateway["NatGatewayId"], self.read(aws, gateway["NatGatewayId"]) or {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            gateway = first(aws.ec2.describe_nat_gateways(NatGatewayIds=[resource_id])["NatGateways"])
            if gateway is None or gateway.get("State") in ("deleted", "deleting"):
                return None
            address = first(gateway.get("NatGatewayAddresses") or []) or {}
            return without_none(
                {
                    "subnetId": gateway["SubnetId"],
                    "allocationId": address.get("AllocationId"),
                    "publicIp": address.get("PublicIp"),
                    "privateIp": address.get("PrivateIp"),
                    "networkInterfaceId": address.get("NetworkInterfaceId"),
                    "connectivityType": gateway.get("ConnectivityType") or "public",
                }
            )

        return read_or_none(get, "NatGatewayNotFound", "InvalidNatGatewayID.NotFound")

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.ec2.delete_nat_gateway(NatGatewayId=resource_id)
