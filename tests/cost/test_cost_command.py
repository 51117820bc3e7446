"""`saasctl cost` on the bundled tenants.yaml and price table, checked against a hand computation to the cent."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.cost import prices
from tests import fakes
from tests.conftest import EXAMPLE
from tests.fakes import TENANTS, deployed_platform

# By hand from saas_ctl/cost/data/prices.json (us-east-1, 730 hours a month), each line rounded to the cent (half up):
# platform: 1 NAT 730 x 0.045 = 32.85; its IPv4 730 x 0.005 = 3.65; 1 ALB 730 x 0.0225 = 16.425 -> 16.43;
#   2 ALB IPv4 (2 zones) 1460 x 0.005 = 7.30; 2 x db.r6g.large 1460 x 0.26 = 379.60; master secret 0.40 -> 440.23
PLATFORM = 440.23
# every tenant also pays: LCUs 0.1 x 730 x 0.008 = 0.584 -> 0.58; S3 5 x 0.023 = 0.115 -> 0.12; secret 0.40;
#   Aurora storage 1 x 0.10; Aurora I/O 1 x 0.20; per task: logs 0.5 GB x 0.50 = 0.25 ingested,
#   0.5 GB x 30/30 days x 0.03 = 0.015 -> 0.02 stored
# acme (512 cpu, 1024 MiB, 1 task): 365 vCPU-h x 0.04048 = 14.7752 -> 14.78; 730 GB-h x 0.004445 = 3.24485 -> 3.24
ACME = 14.78 + 3.24 + 0.58 + 0.12 + 0.40 + 0.25 + 0.02 + 0.10 + 0.20
# at its autoscaling max (4 tasks): 59.1008 -> 59.10, 12.9794 -> 12.98, logs 1.00 and 0.06
ACME_AT_MAX = 59.10 + 12.98 + 0.58 + 0.12 + 0.40 + 1.00 + 0.06 + 0.10 + 0.20
# globex (256 cpu, 512 MiB, 1 task): 182.5 x 0.04048 = 7.3876 -> 7.39; 365 x 0.004445 = 1.622425 -> 1.62
GLOBEX = 7.39 + 1.62 + 0.58 + 0.12 + 0.40 + 0.25 + 0.02 + 0.10 + 0.20


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty user cache: the bundled table is the one read."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def cost_of(runner: CliRunner, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["cost", "-f", str(EXAMPLE), "--json", *args])
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_cost_of_the_bundled_file_matches_the_hand_computation_to_the_cent(runner: CliRunner, cache: Path) -> None:
    found: dict[str, object] = cost_of(runner)
    tenants = {t["name"]: t for t in found["tenants"]}  # type: ignore[attr-defined]
    assert found["platform"]["monthly"] == PLATFORM  # type: ignore[index]
    assert (tenants["acme"]["monthly"], tenants["globex"]["monthly"]) == (round(ACME, 2), round(GLOBEX, 2))
    assert tenants["acme"]["monthly_at_max"] == round(ACME_AT_MAX, 2)
    assert found["total"]["monthly"] == round(PLATFORM + ACME + GLOBEX, 2) == 470.60  # type: ignore[index]
    assert tenants["acme"]["platform_share"] == 220.12  # 440.23 / 2 = 220.115 -> 220.12


def test_cost_of_one_tenant(runner: CliRunner, cache: Path) -> None:
    found = cost_of(runner, "--tenant", "globex")
    assert [t["name"] for t in found["tenants"]] == ["globex"]  # type: ignore[attr-defined]


def test_every_price_names_its_source_and_date(runner: CliRunner, cache: Path) -> None:
    table = cost_of(runner)["prices"]["table"]  # type: ignore[index]
    assert all(price["source"] and price["date"] == "2026-12-02" for price in table.values())
    assert table["fargate_vcpu_hour"]["usd"] == "0.04048"


def test_prices_older_than_a_year_are_flagged(runner: CliRunner, cache: Path) -> None:
    old = prices.bundled()["regions"]["us-east-1"]
    old = {"as_of": "2024-01-15", "prices": {k: {**p, "date": "2024-01-15"} for k, p in old["prices"].items()}}
    prices.cache_file("us-east-1").parent.mkdir(parents=True)
    prices.cache_file("us-east-1").write_text(json.dumps(old))
    result = runner.invoke(app, ["cost", "-f", str(EXAMPLE), "--json"])
    assert len(json.loads(result.stdout)["prices"]["stale"]) == 14
    assert "14 price(s) of the table were read more than a year ago (2024-01-15)" in result.stderr


def test_a_suspended_tenant_pays_only_for_what_it_keeps(
    runner: CliRunner, cache: Path, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(EXAMPLE.read_text().replace("  - name: globex\n", "  - name: globex\n    suspended: true\n"))
    result = runner.invoke(app, ["cost", "-f", str(path), "--json", "--tenant", "globex"])
    [globex] = json.loads(result.stdout)["tenants"]
    assert (globex["suspended"], globex["monthly"], globex["monthly_at_max"]) == (
        True,
        0.62,
        0.62,
    )  # S3, secret, Aurora


def test_a_region_without_bundled_prices_is_refused_with_the_refresh(
    runner: CliRunner, cache: Path, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(EXAMPLE.read_text().replace("region: us-east-1", "region: eu-west-1"))
    result = runner.invoke(app, ["cost", "-f", str(path)])
    assert result.exit_code == 2
    assert "saasctl bundles prices for us-east-1 only, not eu-west-1" in result.stderr
    assert "saasctl cost --refresh-prices" in result.stderr


def test_the_text_says_the_tables_date_and_region(runner: CliRunner, cache: Path) -> None:
    result = runner.invoke(app, ["cost", "-f", str(EXAMPLE)])
    lines = result.stdout.splitlines()
    assert lines[0] == "prices: saasctl's bundled prices for us-east-1 as of 2026-12-02 (730 hours a month)"
    assert "total: $470.60 a month at desired counts, $553.27 at autoscaling maximums" in lines


def test_the_pull_request_dry_run_says_the_monthly_cost_and_what_new_tenants_add(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    path = write_spec(EXAMPLE.read_text())  # globex has no stack yet: the merge would create it
    result = runner.invoke(app, ["apply", "--dry-run", "--format", "markdown", "-f", str(path)])
    assert result.exit_code in (0, 3), result.stderr
    assert (
        "**Monthly cost:** $470.60 at desired counts, $553.27 at autoscaling maximums; new tenants add globex +$10.68 "
        f"(from saasctl's bundled prices for us-east-1 as of 2026-12-02, `saasctl cost -f {path}`)\n"
    ) in result.stdout
    document = json.loads(runner.invoke(app, ["apply", "--dry-run", "--json", "-f", str(path)]).stdout)
    assert document["monthly_cost"]["added_by_new_tenants"] == 10.68
