"""`saasctl cost --refresh-prices` against recorded Price List API answers (moto does not implement pricing):
botocore's Stubber answers pricing:GetProducts as AWS does, each PriceList entry a JSON string."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from saas_ctl.cost import prices, refresh
from saas_ctl.errors import SaasctlError


def product(usagetype: str, usd: str, *more: tuple[str, str]) -> str:
    """One entry of GetProducts' PriceList, as AWS sends it: a JSON string (abridged to the fields read)."""
    return json.dumps(
        {
            "product": {"productFamily": "x", "attributes": {"usagetype": usagetype, "regionCode": "eu-west-1"}},
            "terms": {
                "OnDemand": {
                    "SKU.TERM": {
                        "priceDimensions": {
                            "SKU.TERM.2": {"beginRange": "51200", "pricePerUnit": {"USD": "0.0220000000"}},
                            "SKU.TERM.1": {"beginRange": "0", "pricePerUnit": {"USD": usd}},
                        }
                    }
                }
            },
            **dict(more),
        }
    )


# What AWS lists in eu-west-1 for each price of the table (usage types carry the Region's EU- prefix).
ANSWERS = {
    "fargate_vcpu_hour": [
        product("EU-Fargate-ARM-vCPU-Hours:perCPU", "0.0358"),
        product("EU-Fargate-vCPU-Hours:perCPU", "0.0448"),
    ],
    "fargate_gb_hour": [product("EU-Fargate-GB-Hours", "0.00492")],
    "alb_hour": [product("EU-LoadBalancerUsage", "0.0252")],
    "alb_lcu_hour": [product("EU-LCUUsage", "0.008")],
    "nat_gateway_hour": [product("EU-NatGateway-Hours", "0.048")],
    "nat_gateway_gb": [product("EU-NatGateway-Bytes", "0.048")],
    "public_ipv4_hour": [product("EU-PublicIPv4:InUseAddress", "0.005")],
    "aurora_instance_hour": [product("EU-InstanceUsage:db.r6g.large", "0.29")],
    "aurora_storage_gb_month": [product("EU-Aurora:StorageUsage", "0.11")],
    "aurora_io_million": [product("EU-Aurora:StorageIOUsage", "0.00000022")],
    "s3_gb_month": [product("EU-TimedStorage-ByteHrs", "0.023")],
    "secret_month": [product("EU-AWSSecretsManager-Secrets", "0.40")],
    "logs_ingested_gb": [product("EU-DataProcessing-Bytes", "0.57")],
    "logs_stored_gb_month": [product("EU-TimedStorage-ByteHrs", "0.03")],
}


class Recorded:
    """A boto3 session whose pricing client answers from ANSWERS, checking each request's service and filters."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.client: Any = boto3.client(
            "pricing", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )
        self.stubber = Stubber(self.client)
        self.regions: list[str] = []
        for key, query in refresh.queries("db.r6g.large").items():
            filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-west-1"}]
            filters += [{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in query.filters]
            expected = {"ServiceCode": query.service, "Filters": filters, "FormatVersion": "aws_v1"}
            answer = {"PriceList": answers.get(key, []), "FormatVersion": "aws_v1"}
            self.stubber.add_response("get_products", answer, expected)
        self.stubber.activate()

    def client_for(self, service: str, region_name: str) -> Any:
        assert service == "pricing"
        self.regions.append(region_name)
        return self.client


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def boto_of(recorded: Recorded) -> Any:
    class Session:
        def client(self, service: str, region_name: str) -> Any:
            return recorded.client_for(service, region_name)

    return Session()


def test_refresh_stores_the_regions_first_tier_prices_and_cost_reads_them(cache: Path) -> None:
    recorded = Recorded(ANSWERS)
    path = refresh.refresh(boto_of(recorded), "eu-west-1", "db.r6g.large", datetime.date(2026, 12, 2))
    recorded.stubber.assert_no_pending_responses()
    assert set(recorded.regions) == {"us-east-1"}  # the Price List API answers in us-east-1 for every Region
    table = prices.load("eu-west-1")
    assert (table.origin, table.as_of) == (str(path), "2026-12-02")
    assert str(table["fargate_vcpu_hour"].usd) == "0.0448"  # x86, not the ARM price listed first
    assert str(table["aurora_io_million"].usd) == "0.22"  # per request in the API, per million in the table
    assert str(table["s3_gb_month"].usd) == "0.023"  # the first tier (beginRange 0), not the next one
    assert table["aurora_instance_hour"].instance_class == "db.r6g.large"


def test_a_price_aws_does_not_list_fails_the_refresh_and_writes_nothing(cache: Path) -> None:
    recorded = Recorded({**ANSWERS, "nat_gateway_gb": []})
    with pytest.raises(SaasctlError, match="lists no AmazonEC2 price with usage type NatGateway-Bytes in eu-west-1"):
        refresh.refresh(boto_of(recorded), "eu-west-1", "db.r6g.large")
    assert not prices.cache_file("eu-west-1").exists()
