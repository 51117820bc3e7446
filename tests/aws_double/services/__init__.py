"""The handlers of every resource type saasctl declares, one module per AWS service; and the data sources its
programs invoke."""

from __future__ import annotations

from collections.abc import Callable

from tests.aws_double.aws import Aws
from tests.aws_double.services import (  # noqa: F401  (each module registers its handlers)
    appautoscaling,
    ec2,
    ec2_security_groups,
    ecs,
    elbv2,
    iam,
    logs,
    rds,
    route53,
    s3,
    secretsmanager,
)
from tests.aws_double.services.base import REGISTRY, Handler, Props


def availability_zones(aws: Aws, args: Props) -> Props:
    """``aws.getAvailabilityZones`` (data source ``ec2/ec2_availability_zones_data_source.go``)."""
    filters = [{"Name": "state", "Values": [args["state"]]}] if args.get("state") else []
    filters += [{"Name": f["name"], "Values": list(f["values"])} for f in args.get("filters") or []]
    zones = aws.ec2.describe_availability_zones(Filters=filters)["AvailabilityZones"]
    return {
        "id": aws.region,
        "names": [z["ZoneName"] for z in zones],
        "zoneIds": [z["ZoneId"] for z in zones],
        "groupNames": sorted({z.get("GroupName") or aws.region for z in zones}),
        **({"state": args["state"]} if args.get("state") else {}),
    }


INVOKES: dict[str, Callable[[Aws, Props], Props]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": availability_zones,
    "aws:route53/getZone:getZone": route53.hosted_zone,
}


def handler(type_: str) -> Handler | None:
    return REGISTRY.get(type_)


__all__ = ["INVOKES", "REGISTRY", "Handler", "handler"]
