"""Route 53: records (the tenants' alias A records at their load balancer), as terraform-provider-aws
``internal/service/route53/record.go`` makes them, on moto's Route 53; and the hosted-zone lookup by name
(``route53/zone_data_source.go``).

moto stores alias records as given: it does not check that an alias names an existing load balancer and its
canonical zone, which AWS does (InvalidChangeBatch). A record's ID is ``<zone>_<name>_<type>``.
"""

from __future__ import annotations

from typing import Any

from tests.aws_double.aws import Aws
from tests.aws_double.errors import NotModelled
from tests.aws_double.services.base import Created, Handler, Props, first, handles, without_none


def _fqdn(name: str) -> str:
    return name if name.endswith(".") else f"{name}."


def _record_set(inputs: Props) -> dict[str, Any]:
    record: dict[str, Any] = {"Name": _fqdn(inputs["name"]), "Type": inputs["type"]}
    alias = first(inputs.get("aliases") or [])
    if alias:
        record["AliasTarget"] = {
            "HostedZoneId": alias["zoneId"],
            "DNSName": alias["name"],
            "EvaluateTargetHealth": bool(alias.get("evaluateTargetHealth")),
        }
    else:
        record["TTL"] = int(inputs.get("ttl") or 300)
        record["ResourceRecords"] = [{"Value": value} for value in inputs.get("records") or []]
    return record


@handles
class Record(Handler):
    type = "aws:route53/record:Record"
    kind = "Route 53 Record"
    provider_only = frozenset({"allowOverwrite"})

    def create(self, aws: Aws, inputs: Props) -> Created:
        action = "UPSERT" if inputs.get("allowOverwrite") else "CREATE"
        self._change(aws, inputs["zoneId"], action, _record_set(inputs))
        resource_id = f"{inputs['zoneId']}_{inputs['name']}_{inputs['type']}"
        return Created(resource_id, {"fqdn": inputs["name"].rstrip(".")})

    def _change(self, aws: Aws, zone: str, action: str, record: dict[str, Any]) -> None:
        aws.route53.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": record}]}
        )

    def _find(self, aws: Aws, resource_id: str) -> tuple[str, dict[str, Any]] | None:
        zone, name, kind = resource_id.split("_", 2)
        records = aws.route53.list_resource_record_sets(
            HostedZoneId=zone, StartRecordName=_fqdn(name), StartRecordType=kind
        )["ResourceRecordSets"]
        record = first(r for r in records if r["Name"] == _fqdn(name) and r["Type"] == kind)
        return None if record is None else (zone, record)

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        found = self._find(aws, resource_id)
        if found is None:
            return None
        zone, record = found
        alias = record.get("AliasTarget")
        return without_none(
            {
                "zoneId": zone,
                "name": record["Name"].rstrip("."),
                "type": record["Type"],
                "fqdn": record["Name"].rstrip("."),
                "aliases": [
                    {
                        "name": alias["DNSName"],
                        "zoneId": alias["HostedZoneId"],
                        "evaluateTargetHealth": alias.get("EvaluateTargetHealth", False),
                    }
                ]
                if alias
                else None,
                "records": [r["Value"] for r in record.get("ResourceRecords", [])] or None,
                "ttl": record.get("TTL"),
            }
        )

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        self._change(aws, news["zoneId"], "UPSERT", _record_set(news))

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        found = self._find(aws, resource_id)
        if found is not None:
            zone, record = found
            self._change(aws, zone, "DELETE", record)


def hosted_zone(aws: Aws, args: Props) -> Props:
    """``aws.route53.getZone`` by name (or ID): the public zone unless ``privateZone``."""
    if args.get("zoneId"):
        zone = aws.route53.get_hosted_zone(Id=args["zoneId"])["HostedZone"]
        return _zone(zone)
    name = _fqdn(str(args.get("name") or ""))
    private = bool(args.get("privateZone"))
    zones = aws.route53.list_hosted_zones_by_name(DNSName=name)["HostedZones"]
    for zone in zones:
        if zone["Name"] == name and bool(zone.get("Config", {}).get("PrivateZone")) == private:
            return _zone(zone)
    raise NotModelled("no matching Route 53 Hosted Zone found")


def _zone(zone: dict[str, Any]) -> Props:
    zone_id = zone["Id"].split("/")[-1]
    return {
        "id": zone_id,
        "zoneId": zone_id,
        "name": zone["Name"].rstrip("."),
        "arn": f"arn:aws:route53:::hostedzone/{zone_id}",
        "privateZone": bool(zone.get("Config", {}).get("PrivateZone")),
    }
