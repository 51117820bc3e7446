"""The resources whose replacement or deletion loses something a new one cannot bring back: saasctl says so on
a line of its own before anyone is asked to go ahead (and ``--json`` marks them). The one list of them.

The VPC holds no data itself, but replacing it rebuilds everything in it: subnets, NAT, security groups, and the
database and load balancers that live in them.
"""

from __future__ import annotations

# Pulumi type token -> what the resource is, as a sentence names it.
DATA_RESOURCES: dict[str, str] = {
    "aws:rds/cluster:Cluster": "the database cluster",
    "aws:s3/bucket:Bucket": "a bucket",
    "aws:s3/bucketV2:BucketV2": "a bucket",  # pulumi-aws's earlier name of the same resource
    "aws:secretsmanager/secret:Secret": "a secret",
    "aws:ec2/vpc:Vpc": "the VPC",
}


def data_resource(type_token: str) -> str | None:
    """What a resource of this type is, when it is one whose loss matters; None otherwise."""
    return DATA_RESOURCES.get(type_token)
