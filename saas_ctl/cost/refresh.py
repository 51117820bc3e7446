"""A Region's price table read from the AWS Price List API (``pricing:GetProducts``).

The Price List API answers only in us-east-1 (and ap-south-1), for every Region: the client is pinned to
us-east-1 and the Region is a ``regionCode`` filter. Each entry of ``PriceList`` is a JSON *string* holding a
product (``attributes.usagetype``, prefixed by a Region code such as ``USE1-``) and its ``terms.OnDemand``
price dimensions; the first tier (``beginRange`` 0) is the list price. AWS Price List API, "Using the AWS Price
List Query API" and the GetProducts reference.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saas_ctl.aws import session as aws
from saas_ctl.cost import prices
from saas_ctl.errors import SaasctlError
from saas_ctl.spec.store import write_atomically

PRICING_REGION = "us-east-1"  # where the Price List API answers


@dataclass(frozen=True)
class Query:
    """How one price of the table is found: a service's products in the Region (with more filters), the one
    whose usage type ends with ``usagetype``."""

    service: str
    usagetype: str
    filters: tuple[tuple[str, str], ...] = ()


def queries(instance_class: str) -> dict[str, Query]:
    return {
        "fargate_vcpu_hour": Query("AmazonECS", "Fargate-vCPU-Hours:perCPU"),
        "fargate_gb_hour": Query("AmazonECS", "Fargate-GB-Hours"),
        "alb_hour": Query("AWSELB", "LoadBalancerUsage", (("productFamily", "Load Balancer-Application"),)),
        "alb_lcu_hour": Query("AWSELB", "LCUUsage", (("productFamily", "Load Balancer-Application"),)),
        "nat_gateway_hour": Query("AmazonEC2", "NatGateway-Hours", (("productFamily", "NAT Gateway"),)),
        "nat_gateway_gb": Query("AmazonEC2", "NatGateway-Bytes", (("productFamily", "NAT Gateway"),)),
        "public_ipv4_hour": Query("AmazonVPC", "PublicIPv4:InUseAddress"),
        "aurora_instance_hour": Query(
            "AmazonRDS",
            f"InstanceUsage:{instance_class}",
            (("databaseEngine", "Aurora PostgreSQL"), ("instanceType", instance_class)),
        ),
        "aurora_storage_gb_month": Query(
            "AmazonRDS", "Aurora:StorageUsage", (("databaseEngine", "Aurora PostgreSQL"),)
        ),
        "aurora_io_million": Query("AmazonRDS", "Aurora:StorageIOUsage", (("databaseEngine", "Aurora PostgreSQL"),)),
        "s3_gb_month": Query("AmazonS3", "TimedStorage-ByteHrs", (("storageClass", "General Purpose"),)),
        "secret_month": Query("AWSSecretsManager", "AWSSecretsManager-Secrets"),
        "logs_ingested_gb": Query("AmazonCloudWatch", "DataProcessing-Bytes", (("productFamily", "Data Payload"),)),
        "logs_stored_gb_month": Query(
            "AmazonCloudWatch", "TimedStorage-ByteHrs", (("productFamily", "Storage Snapshot"),)
        ),
    }


# The Price List API prices Aurora I/O per request; the table keeps it per million requests.
PER_MILLION = {"aurora_io_million"}


def refresh(boto: Any, region: str, instance_class: str, today: datetime.date | None = None) -> Path:
    """Read every price of the table for ``region`` (``boto``: a boto3 session) and store the table in the user's
    cache, where `saasctl cost` then finds it first. A price AWS does not list for the Region fails the refresh,
    naming it; nothing is written then."""
    client = boto.client("pricing", region_name=PRICING_REGION)
    read = (today or datetime.date.today()).isoformat()
    bundled = prices.bundled()["regions"].get("us-east-1", {}).get("prices", {})
    table: dict[str, Any] = {}
    for key, query in queries(instance_class).items():
        usd = _price(client, region, query)
        if key in PER_MILLION:
            usd = usd * 1_000_000
        entry = {
            "usd": _decimal_text(usd),
            "unit": bundled.get(key, {}).get("unit", query.usagetype),
            "source": f"AWS Price List API (pricing:GetProducts) {query.service} {query.usagetype}",
            "date": read,
        }
        if key == "aurora_instance_hour":
            entry["instance_class"] = instance_class
        table[key] = entry
    path = prices.cache_file(region)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, (json.dumps({"as_of": read, "prices": table}, indent=2) + "\n").encode())
    return path


def _decimal_text(value: float) -> str:
    return format(value, ".10f").rstrip("0").rstrip(".")


def _price(client: Any, region: str, query: Query) -> float:
    filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]
    filters += [{"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in query.filters]
    with aws.boundary(f"could not read the price of {query.service} {query.usagetype} in {region}"):
        for product in _products(client, query.service, filters):
            usagetype = str(product.get("product", {}).get("attributes", {}).get("usagetype", ""))
            if usagetype == query.usagetype or usagetype.endswith(f"-{query.usagetype}"):
                return _first_tier(product)
    raise SaasctlError(
        f"the AWS Price List API lists no {query.service} price with usage type {query.usagetype} in {region}",
        hint="the bundled or last refreshed table is kept",
    )


def _products(client: Any, service: str, filters: list[dict[str, str]]) -> Iterator[dict[str, Any]]:
    token: str | None = None
    while True:
        answer = client.get_products(
            ServiceCode=service, Filters=filters, FormatVersion="aws_v1", **({"NextToken": token} if token else {})
        )
        for entry in answer.get("PriceList", []):
            yield json.loads(entry) if isinstance(entry, str) else entry  # each entry is a JSON string
        token = answer.get("NextToken")
        if not token:
            return


def _first_tier(product: dict[str, Any]) -> float:
    for term in product.get("terms", {}).get("OnDemand", {}).values():
        dimensions = sorted(
            term.get("priceDimensions", {}).values(), key=lambda d: float(d.get("beginRange", "0") or 0)
        )
        for dimension in dimensions:
            return float(dimension["pricePerUnit"]["USD"])
    raise SaasctlError(f"a Price List API product has no on-demand price: {product.get('product', {})}")
