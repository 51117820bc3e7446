"""Live checks of platform.dns: the hosted zone, and records that already exist at tenant hosts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from infra import naming
from saas_ctl.preflight.findings import Finding, error, warning
from saas_ctl.preflight.live.context import AwsContext, error_code, paginate
from saas_ctl.spec import cells
from saas_ctl.spec.models import TenantsFile, resolve


def hosted_zone(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    """platform.dns names a public hosted zone that exists, and (given by ID) contains every tenant host."""
    from saas_ctl.preflight.offline import in_zone

    zone, problem = _zone(spec, ctx)
    if problem is not None:
        yield problem
        return
    if zone is None:
        return
    for index, tenant in enumerate(spec.tenants):
        for host in resolve(tenant, spec).hosts:
            if not in_zone(host, zone["Name"]):
                yield error(
                    "DNS-HOST-OUTSIDE-ZONE",
                    ("tenants", index, "name"),
                    f"host {host} of tenant {tenant.name!r} is not inside the hosted zone {zone['Name'].rstrip('.')}",
                )


def _zone(spec: TenantsFile, ctx: AwsContext) -> tuple[dict[str, Any] | None, Finding | None]:
    """The public hosted zone platform.dns names (None without platform.dns), or why there is none."""
    from botocore.exceptions import ClientError

    dns = spec.platform.dns
    if dns is None:
        return None, None
    route53 = ctx.client("route53")
    path = ("platform", "dns")
    if dns.zone_id:
        try:
            zone: dict[str, Any] = route53.get_hosted_zone(Id=dns.zone_id)["HostedZone"]
        except ClientError as exc:
            if error_code(exc) != "NoSuchHostedZone":
                raise
            return None, error(
                "DNS-ZONE", path, f"hosted zone {dns.zone_id} does not exist", "check platform.dns.zone_id"
            )
    else:
        zones = route53.list_hosted_zones_by_name(DNSName=str(dns.zone_name), MaxItems="1")["HostedZones"]
        wanted = str(dns.zone_name).rstrip(".") + "."
        found = next((z for z in zones if z["Name"] == wanted and not z["Config"].get("PrivateZone")), None)
        if found is None:
            return None, error(
                "DNS-ZONE",
                path,
                f"there is no public hosted zone {dns.zone_name} in this account",
                "create it or fix the name",
            )
        zone = found
    if zone.get("Config", {}).get("PrivateZone"):
        return None, error(
            "DNS-ZONE", path, f"hosted zone {zone['Name']} is private: the internet could not resolve tenants"
        )
    return zone, None


_ESCAPE = re.compile(r"\\(\d{3})")


def record_name(name: str) -> str:
    """A record name as Route 53 lists it, as a host: lower case, no trailing dot, escapes undone. Route 53 Developer
    Guide, "DNS domain name format": names are stored in lower case, and "If the domain name includes any
    characters other than a to z, 0 to 9, - (hyphen), or _ (underscore), Route 53 API actions return the
    characters as escape codes" (a wildcard lists as \\052.example.com.)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), name).lower().rstrip(".")


def existing_records(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    """A record already at a tenant's host that this environment did not make (its alias does not point at one of
    the environment's load balancers): creating the tenant's alias A record would fail, Route 53's
    InvalidChangeBatch "Tried to create resource record set ... but it already exists", unless platform.dns.take_over
    says to replace it (UPSERT). A CNAME there is refused either way: "RRSet of type A ... is not permitted because
    a conflicting RRSet of type CNAME with the same DNS name already exists", which UPSERT does not avoid. The
    zone is listed once (ListResourceRecordSets, 300 records a page), whatever the number of hosts."""
    dns = spec.platform.dns
    zone, problem = _zone(spec, ctx)
    if dns is None or zone is None or problem is not None:
        return  # hosted_zone reports the zone's problems
    records: dict[str, list[dict[str, Any]]] = {}
    listed = paginate(ctx, "route53", "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zone["Id"])
    for record in listed:
        records.setdefault(record_name(record["Name"]), []).append(record)
    ours = _environment_balancers(spec, ctx)
    for index, tenant in enumerate(spec.tenants):
        for position, host in enumerate(resolve(tenant, spec).hosts):
            path = ("tenants", index, "hosts", position) if tenant.hosts else ("tenants", index, "name")
            for record in records.get(host.lower(), []):
                alias = str(record.get("AliasTarget", {}).get("DNSName", "")).lower().rstrip(".")
                if record["Type"] == "A" and alias.removeprefix("dualstack.") in ours:
                    continue  # this environment's own record (a tenant's, from an earlier deploy)
                yield from _conflict(record, host, tenant.name, path, dns.take_over)


def _conflict(
    record: dict[str, Any], host: str, tenant: str, path: tuple[str | int, ...], take_over: bool
) -> Iterator[Finding]:
    kind = record["Type"]
    target = record.get("AliasTarget", {}).get("DNSName") or ", ".join(
        r["Value"] for r in record.get("ResourceRecords", [])
    )
    what = (
        f"host {host} of tenant {tenant!r} already has {'an' if kind[0] in 'AEIOU' else 'a'} {kind} record "
        f"({target or 'no value'}) that this "
        "environment did not make"
    )
    if kind == "CNAME":
        yield error(
            "DNS-RECORD-CNAME",
            path,
            f"{what}: Route 53 refuses an A record beside a CNAME of the same name, even with take_over",
            f"delete that CNAME record in the hosted zone yourself, or choose another host for tenant {tenant!r}",
        )
    elif kind == "A" and take_over:
        yield warning(
            "DNS-RECORD-TAKE-OVER",
            path,
            f"{what}: platform.dns.take_over is set, so deploying replaces it with the tenant's alias record",
        )
    elif kind == "A":
        yield error(
            "DNS-RECORD-EXISTS",
            path,
            f"{what}: creating the tenant's alias record would fail (Route 53: it already exists)",
            "set platform.dns.take_over: true to replace it with the tenant's record, or delete it, or choose another "
            "host",
        )


def _environment_balancers(spec: TenantsFile, ctx: AwsContext) -> set[str]:
    """The DNS names of this environment's load balancers (every cell's), lower case."""
    platform = spec.platform
    names = naming.PlatformNames(platform.project, platform.environment)
    wanted = {names.cell_load_balancer(cell) for cell in range(1, cells.cell_count(spec) + 1)}
    return {
        str(b["DNSName"]).lower().rstrip(".")
        for b in paginate(ctx, "elbv2", "describe_load_balancers", "LoadBalancers")
        if b["LoadBalancerName"] in wanted
    }
