"""The dated catalogue of Aurora PostgreSQL versions used when no live answer is available.

The bundled snapshot ships in ``data/aurora_postgresql.json`` with its date and sources. ``preflight
--refresh-catalog`` stores the live list of a region in the user's cache, which is then preferred.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from saas_ctl import settings

ENGINE = "aurora-postgresql"


@dataclass(frozen=True)
class VersionCatalog:
    versions: tuple[str, ...]
    retired: tuple[str, ...]
    limitless: tuple[str, ...]
    supported_majors: tuple[int, ...]
    as_of: str
    region: str
    source: str  # "bundled" or the cache file's path

    def same_major(self, major: str) -> list[str]:
        return sorted((v for v in self.versions if v.split(".")[0] == major), key=version_key)

    def describe(self) -> str:
        origin = (
            "saasctl's bundled snapshot" if self.source == "bundled" else f"your refreshed catalogue ({self.source})"
        )
        return f"{origin} of {self.region} as of {self.as_of}"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("-")[0].split("."))


def is_major_only(version: str) -> bool:
    """``"15"``: the file asks for the newest 15.x saasctl knows rather than one release."""
    return version.isascii() and version.isdigit()


def newest_of_major(version: str, catalog: VersionCatalog) -> str | None:
    """The newest release of a major-only ``version`` in ``catalog``; None when it lists none. (The seed's lesson:
    AWS retires minors every quarter, so a major alone is enough, resolved to the latest stable release within it.)"""
    listed = catalog.same_major(version)
    return listed[-1] if listed else None


def cache_dir() -> Path:
    return (settings.CACHE_HOME.value() or Path.home() / ".cache") / "saasctl"


def cache_file(region: str) -> Path:
    return cache_dir() / f"{ENGINE}-versions-{region}.json"


def _bundled() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("saas_ctl.preflight").joinpath("data/aurora_postgresql.json").read_text()
    )
    return data


def load(region: str) -> VersionCatalog:
    """The user's refreshed catalogue of ``region`` when there is one, else the bundled snapshot."""
    bundled = _bundled()
    cached = cache_file(region)
    if cached.exists():
        try:
            data = json.loads(cached.read_text())
            return VersionCatalog(
                versions=tuple(data["versions"]),
                retired=(),
                limitless=tuple(data.get("limitless_versions", ())),
                supported_majors=tuple(sorted({int(v.split(".")[0]) for v in data["versions"]})),
                as_of=data["fetched_on"],
                region=region,
                source=str(cached),
            )
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache must not stop a deploy: fall back to the bundled snapshot
    return VersionCatalog(
        versions=tuple(bundled["versions"]),
        retired=tuple(bundled["retired"]),
        limitless=tuple(bundled["limitless_versions"]),
        supported_majors=tuple(bundled["supported_majors"]),
        as_of=bundled["listed_on"] + f" (with releases through {bundled['additions_through']})",
        region=bundled["region"],
        source="bundled",
    )


def store(region: str, versions: list[str], today: date | None = None) -> Path:
    """Write a live version list to the user's cache; return its path."""
    path = cache_file(region)
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = sorted({v for v in versions if "limitless" not in v}, key=version_key)
    limitless = sorted({v for v in versions if "limitless" in v}, key=version_key)
    payload = {
        "engine": ENGINE,
        "region": region,
        "fetched_on": (today or date.today()).isoformat(),
        "versions": plain,
        "limitless_versions": limitless,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


# ---- Regions -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionCatalog:
    regions: frozenset[str]
    as_of: str
    source: str  # "bundled" or the cache file's path

    def describe(self) -> str:
        where = "the bundled list" if self.source == "bundled" else f"your refreshed list ({self.source})"
        return f"{where} of {self.as_of}"


def regions_cache_file() -> Path:
    return cache_dir() / "regions.json"


def load_regions() -> RegionCatalog:
    """The user's refreshed list (``--refresh-catalog``) when present and readable, else the bundled one."""
    cached = regions_cache_file()
    if cached.exists():
        try:
            data = json.loads(cached.read_text())
            return RegionCatalog(frozenset(data["regions"]), str(data["listed_on"]), str(cached))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache falls back to the bundled list
    data = json.loads(resources.files("saas_ctl.preflight").joinpath("data/regions.json").read_text())
    return RegionCatalog(frozenset(data["regions"]), str(data["listed_on"]), "bundled")


def store_regions(regions: list[str], today: date | None = None) -> Path:
    path = regions_cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"listed_on": (today or date.today()).isoformat(), "regions": sorted(set(regions))}
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


# ---- Aurora PostgreSQL instance classes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InstanceClassCatalog:
    """The DB instance class families Aurora PostgreSQL offers, each with its sizes (``r6g`` -> large, ...)."""

    sizes: dict[str, tuple[str, ...]]
    as_of: str

    def describe(self) -> str:
        return f"saasctl's bundled list of Aurora PostgreSQL instance classes of {self.as_of}"


def _bundled_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("saas_ctl.preflight").joinpath(f"data/{name}").read_text())
    return data


@cache
def load_instance_classes() -> InstanceClassCatalog:
    data = _bundled_json("aurora_instance_classes.json")
    sizes = {family: tuple(listed) for family, listed in data["families"].items()}
    unverified = data["sizes_unverified"]
    sizes.update(dict.fromkeys(unverified["families"], tuple(unverified["sizes"])))
    return InstanceClassCatalog(sizes, data["listed_on"])


# ---- Availability Zones ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneCatalog:
    """How many standard Availability Zones each Region has (a ceiling: an account may see fewer)."""

    zones: dict[str, int]
    as_of: str

    def describe(self) -> str:
        return f"saasctl's bundled list of Availability Zones of {self.as_of}"


@cache
def load_zones() -> ZoneCatalog:
    data = _bundled_json("availability_zones.json")
    return ZoneCatalog({region: int(count) for region, count in data["zones"].items()}, data["listed_on"])


# ---- the RDS Data API's Regions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataApiRegions:
    """The Regions where the RDS Data API is not offered for Aurora PostgreSQL (provisioned and Serverless v2)."""

    unavailable: frozenset[str]
    as_of: str

    def describe(self) -> str:
        table = "'Supported Regions and Aurora DB engines for RDS Data API'"
        return f"AWS's table {table} as saasctl bundles it ({self.as_of})"


@cache
def load_data_api_regions() -> DataApiRegions:
    data = _bundled_json("data_api_regions.json")
    return DataApiRegions(frozenset(data["unavailable"]), data["listed_on"])
