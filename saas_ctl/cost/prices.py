"""The price table: AWS on-demand list prices per Region, each with its source and the date it was read.

The bundled table ships in ``data/prices.json``; ``saasctl cost --refresh-prices`` stores a Region's table read
from the AWS Price List API in the user's cache, which is then preferred. A price read more than a year ago is
flagged: list prices change (Fargate's fell by a fifth in 2019).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from saas_ctl import settings
from saas_ctl.errors import UsageError

STALE_AFTER_DAYS = 365


@dataclass(frozen=True)
class Price:
    usd: Decimal
    unit: str
    source: str
    date: str  # ISO date the price was read
    instance_class: str | None = None  # for an instance-hour price: the class it is for

    def age_days(self, today: datetime.date) -> int:
        return (today - datetime.date.fromisoformat(self.date)).days

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"usd": str(self.usd), "unit": self.unit, "source": self.source, "date": self.date}
        if self.instance_class:
            document["instance_class"] = self.instance_class
        return document


@dataclass(frozen=True)
class PriceTable:
    region: str
    as_of: str
    prices: dict[str, Price]
    hours_per_month: int
    usage: dict[str, Decimal]  # the assumptions where the file cannot say (LCUs, GB stored per tenant...)
    origin: str  # "bundled", or the refreshed table's path

    def __getitem__(self, key: str) -> Price:
        return self.prices[key]

    def stale(self, today: datetime.date) -> list[str]:
        """The prices read more than a year before ``today``."""
        return [key for key, price in self.prices.items() if price.age_days(today) > STALE_AFTER_DAYS]

    def describe(self) -> str:
        origin = "saasctl's bundled prices" if self.origin == "bundled" else f"your refreshed prices ({self.origin})"
        return f"{origin} for {self.region} as of {self.as_of}"


def cache_file(region: str) -> Path:
    """Where `cost --refresh-prices` keeps a Region's table (beside preflight's refreshed catalogue)."""
    return (settings.CACHE_HOME.value() or Path.home() / ".cache") / "saasctl" / f"prices-{region}.json"


def bundled() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(resources.files("saas_ctl.cost").joinpath("data/prices.json").read_text())
    return document


def load(region: str) -> PriceTable:
    """The Region's refreshed table when there is a readable one, else the bundled one; a Region neither has is
    refused with how to fetch its prices."""
    document = bundled()
    refreshed = _refreshed(region)
    if refreshed is not None:
        return _table(region, refreshed, document, str(cache_file(region)))
    regions = document["regions"]
    if region not in regions:
        raise UsageError(
            f"saasctl bundles prices for {', '.join(sorted(regions))} only, not {region}",
            hint="`saasctl cost --refresh-prices` reads the Region's prices from the AWS Price List API",
        )
    return _table(region, regions[region], document, "bundled")


def _refreshed(region: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = json.loads(cache_file(region).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and "prices" in found else None


def _table(region: str, entry: dict[str, Any], document: dict[str, Any], origin: str) -> PriceTable:
    prices = {
        key: Price(Decimal(p["usd"]), p["unit"], p["source"], p["date"], p.get("instance_class"))
        for key, p in entry["prices"].items()
    }
    usage = {key: Decimal(value) for key, value in document["usage"].items() if key != "about"}
    return PriceTable(region, entry["as_of"], prices, int(document["hours_per_month"]), usage, origin)
