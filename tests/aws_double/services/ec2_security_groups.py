"""EC2 security groups and their rules as resources of their own (``aws.vpc.SecurityGroupIngressRule`` and
``SecurityGroupEgressRule``), as terraform-provider-aws ``internal/service/ec2/vpc_security_group.go`` and
``vpc_security_group_ingress_rule.go`` (which serves both rule resources) make them.

moto keeps the rules' count per group and direction and refuses the 61st (``RulesPerSecurityGroupLimitExceeded``,
moto ``ec2/models/security_groups.py`` ``_verify_group_will_respect_rule_count_limit``), answers
AuthorizeSecurityGroupIngress/Egress with the rule's ``SecurityGroupRuleId`` and revokes rules by that ID.
What moto does not do, and the double models:
- DeleteSecurityGroup of a group another group's rule still references, or that a network interface still
  carries (the load balancer's, a Fargate task's, the Aurora cluster's): moto deletes it; AWS refuses with
  ``DependencyViolation`` (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html:
  "If you attempt to delete a security group that is associated with an instance or network interface, is
  referenced by another security group in the same VPC, or has a VPC association, the operation fails with
  DependencyViolation"). moto keeps no interfaces for load balancers, services or clusters, so the double asks
  each of them which groups it uses.
- The rules quota: moto refuses the 61st rule of a direction, fixed; AWS's quota is 60 by default and adjustable
  (Service Quotas ``vpc`` ``L-0EA8095F``, "Inbound or outbound rules per security group",
  https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups). A test
  sets a lower one with ``SAASCTL_DOUBLE_RULES_PER_GROUP``; the double then refuses past it with AWS's code.
- ModifySecurityGroupRules changes a rule's protocol, ports, IPv4 range and description in moto, but not its
  IPv6 range, prefix list or referenced group (moto ``modify_security_group_rules``: "TODO"): such a change is
  refused here as not modelled rather than reported done.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from tests.aws_double.aws import Aws
from tests.aws_double.errors import NotModelled, Refusal
from tests.aws_double.services.base import Created, Handler, Props, first, handles, read_or_none, without_none

RULES_QUOTA_VARIABLE = "SAASCTL_DOUBLE_RULES_PER_GROUP"
# pulumi-aws's default description (the Terraform provider's "Managed by Terraform", renamed by the bridge).
DEFAULT_DESCRIPTION = "Managed by Pulumi"


@handles
class SecurityGroup(Handler):
    type = "aws:ec2/securityGroup:SecurityGroup"
    kind = "Security Group"
    provider_only = frozenset({"revokeRulesOnDelete"})

    def create(self, aws: Aws, inputs: Props) -> Created:
        if inputs.get("ingress") or inputs.get("egress"):
            raise NotModelled("inline ingress/egress rules of a security group (saasctl declares rules as resources)")
        group_id = aws.ec2.create_security_group(
            GroupName=inputs["name"],
            Description=inputs.get("description") or DEFAULT_DESCRIPTION,
            TagSpecifications=aws.tag_specifications("security-group", inputs),
            **without_none({"VpcId": inputs.get("vpcId")}),
        )["GroupId"]
        # AWS gives every new VPC group an allow-all egress rule; the provider revokes it at once, so only the
        # rules the program declares exist (resourceSecurityGroupCreate).
        aws.ec2.revoke_security_group_egress(
            GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
        )
        return Created(group_id, self.read(aws, group_id) or {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            group = first(aws.ec2.describe_security_groups(GroupIds=[resource_id])["SecurityGroups"])
            if group is None:
                return None
            return without_none(
                {
                    "arn": f"arn:aws:ec2:{aws.region}:{aws.account}:security-group/{resource_id}",
                    "name": group["GroupName"],
                    "description": group.get("Description"),
                    "vpcId": group.get("VpcId"),
                    "ownerId": group.get("OwnerId"),
                }
            )

        return read_or_none(get, "InvalidGroup.NotFound")

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        referencing = [
            group["GroupId"]
            for group in aws.ec2.describe_security_groups()["SecurityGroups"]
            if group["GroupId"] != resource_id
            and any(
                pair.get("GroupId") == resource_id
                for permission in group.get("IpPermissions", []) + group.get("IpPermissionsEgress", [])
                for pair in permission.get("UserIdGroupPairs", [])
            )
        ]
        if referencing or resource_id in set(_groups_in_use(aws)):
            raise Refusal("DependencyViolation", f"resource {resource_id} has a dependent object")
        aws.ec2.delete_security_group(GroupId=resource_id)


def _groups_in_use(aws: Aws) -> Iterator[str]:
    """The security groups network interfaces carry, as moto's load balancers, ECS services and Aurora clusters
    name them (a service without an endpoint for the double holds none)."""
    if aws.config.endpoint("elbv2"):
        for balancer in aws.elbv2.describe_load_balancers()["LoadBalancers"]:
            yield from balancer.get("SecurityGroups", [])
    if aws.config.endpoint("rds"):
        for cluster in aws.rds.describe_db_clusters()["DBClusters"]:
            yield from (g["VpcSecurityGroupId"] for g in cluster.get("VpcSecurityGroups", []))
    if aws.config.endpoint("ecs"):
        for cluster_arn in aws.ecs.list_clusters()["clusterArns"]:
            arns = aws.ecs.list_services(cluster=cluster_arn)["serviceArns"]
            for chunk in (arns[i : i + 10] for i in range(0, len(arns), 10)):
                for service in aws.ecs.describe_services(cluster=cluster_arn, services=chunk)["services"]:
                    if service.get("status") == "ACTIVE":
                        vpc = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
                        yield from vpc.get("securityGroups", [])


def _permission(inputs: Props) -> dict[str, Any]:
    """A rule resource's inputs as one IpPermissions entry (the rule resources' ``expandIPPermission``)."""
    protocol = str(inputs["ipProtocol"])
    permission: dict[str, Any] = {"IpProtocol": protocol}
    if protocol not in ("-1", "all"):
        permission.update(
            without_none(
                {
                    "FromPort": _port(inputs.get("fromPort")),
                    "ToPort": _port(inputs.get("toPort")),
                }
            )
        )
    description = without_none({"Description": inputs.get("description")})
    if inputs.get("cidrIpv4"):
        permission["IpRanges"] = [{"CidrIp": inputs["cidrIpv4"], **description}]
    if inputs.get("cidrIpv6"):
        permission["Ipv6Ranges"] = [{"CidrIpv6": inputs["cidrIpv6"], **description}]
    if inputs.get("referencedSecurityGroupId"):
        permission["UserIdGroupPairs"] = [{"GroupId": inputs["referencedSecurityGroupId"], **description}]
    if inputs.get("prefixListId"):
        permission["PrefixListIds"] = [{"PrefixListId": inputs["prefixListId"], **description}]
    return permission


def _port(value: Any) -> int | None:
    return None if value is None else int(value)


class _Rule(Handler):
    egress: bool

    def create(self, aws: Aws, inputs: Props) -> Created:
        self._within_quota(aws, inputs["securityGroupId"])
        authorize = aws.ec2.authorize_security_group_egress if self.egress else aws.ec2.authorize_security_group_ingress
        answer = authorize(
            GroupId=inputs["securityGroupId"],
            IpPermissions=[_permission(inputs)],
            TagSpecifications=aws.tag_specifications("security-group-rule", inputs),
        )
        rule_id = answer["SecurityGroupRules"][0]["SecurityGroupRuleId"]
        return Created(rule_id, self.read(aws, rule_id) or {})

    def _within_quota(self, aws: Aws, group_id: str) -> None:
        quota = os.environ.get(RULES_QUOTA_VARIABLE)
        if not quota:
            return  # moto's own limit (60) applies
        rules = aws.ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])
        used = sum(1 for rule in rules["SecurityGroupRules"] if bool(rule.get("IsEgress")) == self.egress)
        if used + 1 > int(quota):
            # AWS's code and message (EC2 API error codes: RulesPerSecurityGroupLimitExceeded).
            raise Refusal(
                "RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached."
            )

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        def get() -> Props | None:
            rule = first(
                aws.ec2.describe_security_group_rules(SecurityGroupRuleIds=[resource_id])["SecurityGroupRules"]
            )
            if rule is None:
                return None
            protocol = rule["IpProtocol"]
            ports = {} if protocol == "-1" else {"fromPort": rule.get("FromPort"), "toPort": rule.get("ToPort")}
            return without_none(
                {
                    "arn": f"arn:aws:ec2:{aws.region}:{aws.account}:security-group-rule/{resource_id}",
                    "securityGroupRuleId": resource_id,
                    "securityGroupId": rule["GroupId"],
                    "ipProtocol": protocol,
                    **ports,
                    "cidrIpv4": rule.get("CidrIpv4"),
                    "cidrIpv6": rule.get("CidrIpv6"),
                    "prefixListId": rule.get("PrefixListId"),
                    "referencedSecurityGroupId": (rule.get("ReferencedGroupInfo") or {}).get("GroupId"),
                    "description": rule.get("Description"),
                }
            )

        return read_or_none(get, "InvalidSecurityGroupRuleId.NotFound")

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        unmodelled = changed & {"cidrIpv6", "prefixListId", "referencedSecurityGroupId"}
        if unmodelled:
            raise NotModelled(f"moto's ModifySecurityGroupRules does not change {sorted(unmodelled)} of a rule")
        permission = _permission(news)
        rule = without_none(
            {
                "IpProtocol": permission["IpProtocol"],
                "FromPort": permission.get("FromPort", -1),
                "ToPort": permission.get("ToPort", -1),
                "CidrIpv4": news.get("cidrIpv4"),
                "CidrIpv6": news.get("cidrIpv6"),
                "ReferencedGroupId": news.get("referencedSecurityGroupId"),
                "PrefixListId": news.get("prefixListId"),
                "Description": news.get("description"),
            }
        )
        aws.ec2.modify_security_group_rules(
            GroupId=news["securityGroupId"],
            SecurityGroupRules=[{"SecurityGroupRuleId": resource_id, "SecurityGroupRule": rule}],
        )

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        revoke = aws.ec2.revoke_security_group_egress if self.egress else aws.ec2.revoke_security_group_ingress
        revoke(GroupId=state["securityGroupId"], SecurityGroupRuleIds=[resource_id])


@handles
class SecurityGroupIngressRule(_Rule):
    type = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
    kind = "VPC Security Group Ingress Rule"
    egress = False


@handles
class SecurityGroupEgressRule(_Rule):
    type = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
    kind = "VPC Security Group Egress Rule"
    egress = True
