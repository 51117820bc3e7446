"""What the real provider's schema decides, for the resource types saasctl declares: which input changes force a
replacement, and which names it generates when the program sets none.

pulumi-aws v7 is the Terraform bridge over terraform-provider-aws: a property the Terraform schema marks
``ForceNew`` (``RequiresReplace`` in framework resources) is answered by the bridge's Diff as a replacement
(pulumi-terraform-bridge ``pkg/tfbridge/provider.go``, Diff: ``replaces`` from the Terraform plan's
``RequiresNew`` attributes). Each entry names the schema file it comes from, under
``terraform-provider-aws/internal/service/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Replaces:
    properties: frozenset[str]  # "*": every input but tags (the resource has no update at all)
    source: str


def _r(source: str, *properties: str) -> Replaces:
    return Replaces(frozenset(properties), source)


REPLACE_ON_CHANGE: dict[str, Replaces] = {
    "aws:s3/bucket:Bucket": _r("s3/bucket.go", "bucket", "bucketPrefix"),
    "aws:s3/bucketVersioning:BucketVersioning": _r("s3/bucket_versioning.go", "bucket"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _r("s3/bucket_public_access_block.go", "bucket"),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _r("s3/bucket_ownership_controls.go", "bucket"),
    "aws:s3/bucketPolicy:BucketPolicy": _r("s3/bucket_policy.go", "bucket"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _r(
        "s3/bucket_server_side_encryption_configuration.go", "bucket"
    ),
    "aws:secretsmanager/secret:Secret": _r("secretsmanager/secret.go", "name", "namePrefix"),
    "aws:secretsmanager/secretVersion:SecretVersion": _r("secretsmanager/secret_version.go", "secretId"),
    "aws:cloudwatch/logGroup:LogGroup": _r("logs/group.go", "name", "namePrefix"),
    "aws:iam/role:Role": _r("iam/role.go", "name", "namePrefix", "path"),
    "aws:iam/rolePolicy:RolePolicy": _r("iam/role_policy.go", "name", "namePrefix", "role"),
    "aws:lb/targetGroup:TargetGroup": _r(
        "elbv2/target_group.go", "name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId"
    ),
    "aws:lb/listenerRule:ListenerRule": _r("elbv2/listener_rule.go", "listenerArn"),
    "aws:lb/listener:Listener": _r("elbv2/listener.go", "loadBalancerArn"),
    # subnets is not ForceNew for an ALB: customizeDiffLoadBalancerALB forces a replacement only for changed
    # subnet_mapping blocks (customizeDiffLoadBalancerNLB does for an NLB's removed subnets), and the update calls
    # SetSubnets: a zone added to the platform adds its public subnet to each ALB in place.
    "aws:lb/loadBalancer:LoadBalancer": _r(
        "elbv2/load_balancer.go", "name", "namePrefix", "internal", "loadBalancerType"
    ),
    # Every argument of a task definition is ForceNew: a revision is immutable.
    "aws:ecs/taskDefinition:TaskDefinition": _r("ecs/task_definition.go", "*"),
    "aws:ecs/service:Service": _r("ecs/service.go", "name", "cluster", "launchType", "schedulingStrategy"),
    "aws:ecs/cluster:Cluster": _r("ecs/cluster.go", "name"),
    "aws:rds/cluster:Cluster": _r(
        "rds/cluster.go",
        "clusterIdentifier",
        "engine",
        "databaseName",
        "masterUsername",
        "storageEncrypted",
        "kmsKeyId",
    ),
    "aws:rds/clusterInstance:ClusterInstance": _r(
        "rds/cluster_instance.go", "identifier", "engine", "clusterIdentifier"
    ),
    "aws:rds/subnetGroup:SubnetGroup": _r("rds/subnet_group.go", "name"),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": _r("rds/cluster_parameter_group.go", "name", "family"),
    "aws:ec2/vpc:Vpc": _r("ec2/vpc_.go", "cidrBlock"),
    "aws:ec2/subnet:Subnet": _r("ec2/vpc_subnet.go", "vpcId", "cidrBlock", "availabilityZone"),
    "aws:ec2/securityGroup:SecurityGroup": _r(
        "ec2/vpc_security_group.go", "name", "namePrefix", "vpcId", "description"
    ),
    "aws:ec2/natGateway:NatGateway": _r("ec2/vpc_nat_gateway.go", "subnetId", "allocationId"),
    "aws:ec2/eip:Eip": _r("ec2/ec2_eip.go", "domain"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _r(
        "ec2/vpc_security_group_ingress_rule.go (RequiresReplace)", "securityGroupId"
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _r(
        "ec2/vpc_security_group_egress_rule.go (RequiresReplace)", "securityGroupId"
    ),
    "aws:appautoscaling/target:Target": _r(
        "appautoscaling/target.go", "resourceId", "scalableDimension", "serviceNamespace"
    ),
    "aws:appautoscaling/policy:Policy": _r(
        "appautoscaling/policy.go", "name", "resourceId", "scalableDimension", "serviceNamespace"
    ),
    "aws:route53/record:Record": _r("route53/record.go", "name", "type", "zoneId"),
}

# Tags never make a diff here: default tags reach every resource through the provider (tagsAll).
UNTRACKED = frozenset({"tags", "tagsAll"})


def replacing(type_: str, changed: list[str]) -> list[str]:
    """The changed inputs that force a replacement of a resource of ``type_``."""
    rule = REPLACE_ON_CHANGE.get(type_)
    if rule is None:
        return []
    return [key for key in changed if "*" in rule.properties or key in rule.properties]


@dataclass(frozen=True)
class AutoName:
    property: str
    max_length: int
    lowercase: bool = False


# Resources pulumi-aws names itself when the program gives no name: ``<logical name>-<7 random hex>``, cut to the
# property's limit (pulumi-aws ``provider/resources.go``: ``tfbridge.AutoName`` / ``AutoNameWithCustomOptions`` per
# resource; the name is made in Check by pulumi-terraform-bridge ``pkg/tfbridge/names.go``
# ``ComputeAutoNameDefault``, from the engine's random seed, and kept from the old inputs afterwards).
AUTONAMED: dict[str, AutoName] = {
    "aws:s3/bucket:Bucket": AutoName("bucket", 63, lowercase=True),
    "aws:secretsmanager/secret:Secret": AutoName("name", 512),
    "aws:cloudwatch/logGroup:LogGroup": AutoName("name", 512),
    "aws:iam/role:Role": AutoName("name", 64),
    "aws:iam/rolePolicy:RolePolicy": AutoName("name", 128),
    "aws:lb/targetGroup:TargetGroup": AutoName("name", 32),
    "aws:lb/loadBalancer:LoadBalancer": AutoName("name", 32),
    "aws:ecs/cluster:Cluster": AutoName("name", 255),
    "aws:ecs/service:Service": AutoName("name", 255),
    "aws:rds/cluster:Cluster": AutoName("clusterIdentifier", 63, lowercase=True),
    "aws:rds/clusterInstance:ClusterInstance": AutoName("identifier", 63, lowercase=True),
    "aws:rds/subnetGroup:SubnetGroup": AutoName("name", 255, lowercase=True),
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": AutoName("name", 255, lowercase=True),
    "aws:ec2/securityGroup:SecurityGroup": AutoName("name", 255),
    "aws:appautoscaling/policy:Policy": AutoName("name", 255),
}


def auto_name(type_: str, urn: str, seed: bytes, old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, str]:
    """The name to add to ``new`` inputs that lack one: the one the resource already has, else a new one."""
    rule = AUTONAMED.get(type_)
    if rule is None or new.get(rule.property) or new.get(f"{rule.property}Prefix"):
        return {}
    if old.get(rule.property):
        return {rule.property: str(old[rule.property])}
    logical = urn.rsplit("::", 1)[-1]
    suffix = hashlib.sha256(seed + urn.encode()).hexdigest()[:7]
    name = f"{logical[: rule.max_length - 8]}-{suffix}"
    return {rule.property: name.lower() if rule.lowercase else name}


# The inputs' list of properties a default filled, as the bridge's Check writes it (pulumi-terraform-bridge
# pkg/tfbridge/schema.go, "__defaults": reservedkeys.Defaults); an autoname is one of them.
DEFAULTS_KEY = "__defaults"


def name_requires_delete_before_replace(type_: str, news: Mapping[str, Any]) -> bool:
    """Whether a replacement of this resource is delete-first because its name was set by the program.

    pulumi-terraform-bridge ``pkg/tfbridge/schema.go`` ``nameRequiresDeleteBeforeReplace`` (lines 193-243 at
    59de6c6): with no ``__defaults`` list the resource counts as autonamed (false, "for resources that were
    created before the defaults list existed"); otherwise any autonamed property present in the inputs and not
    in ``__defaults`` makes it true. (Its ``UniqueNameFields`` branch is for providers that declare them;
    pulumi-aws declares none.) ``Diff`` (``pkg/tfbridge/provider.go`` lines 1275-1276) answers
    ``deleteBeforeReplace`` with that when the diff replaces anything. Rationale: the new resource would take
    the same name, which AWS refuses while the old one exists (pulumi/pulumi-terraform-bridge#532).
    """
    rule = AUTONAMED.get(type_)
    defaults = news.get(DEFAULTS_KEY)
    if rule is None or not isinstance(defaults, list):
        return False
    return bool(news.get(rule.property)) and rule.property not in defaults


def resource_type(urn: str) -> str:
    """The resource's own type token: a URN's type segment is prefixed with its parents' (``a$b$aws:...``)."""
    return urn.split("::")[-2].split("$")[-1]


def physical_name(inputs: Mapping[str, Any], fallback: str) -> str:
    for key in ("name", "bucket", "identifier", "clusterIdentifier", "family"):
        if isinstance(inputs.get(key), str) and inputs[key]:
            return str(inputs[key])
    return fallback
