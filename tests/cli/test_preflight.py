"""`saasctl preflight` through the real app."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from tests.conftest import EXAMPLE, MINIMAL, html_page_endpoint

pytestmark = pytest.mark.usefixtures("offline")  # auto mode runs offline, as on CI


def test_preflight_on_the_example_passes_offline_warning_only_that_it_has_no_certificate(runner: CliRunner) -> None:
    result = runner.invoke(app, ["preflight", "-f", str(EXAMPLE), "--json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert [(f["code"], f["severity"], f["line"]) for f in report.pop("findings")] == [("CERT-NONE", "warning", 18)]
    assert report == {
        "mode": "offline",
        "catalog_date": "2025-11-18 (with releases through 2026-06-14)",
        "aws_calls": 0,
    }


def test_retired_engine_version_exits_2_naming_valid_versions(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(MINIMAL.replace('"15.8"', '"15.4"'))
    result = runner.invoke(app, ["preflight", "-f", str(path)])  # its cost is measured in bench/preflight.py
    assert result.exit_code == 2
    assert (
        f"error DB-ENGINE-VERSION {path}:7 platform.database.engine_version: Aurora PostgreSQL 15.4 has been retired"
        in result.stderr
    )
    assert "fix: available 15.x versions: 15.6, 15.7, 15.8, 15.10, 15.12, 15.13, 15.14, 15.15" in result.stderr


def test_a_vpc_too_small_for_max_zones_exits_2_naming_the_largest_max_zones_that_fits(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(MINIMAL.replace("  database:", "  network: {vpc_cidr: 10.0.0.0/24, max_zones: 6}\n  database:"))
    result = runner.invoke(app, ["preflight", "-f", str(path)])
    assert result.exit_code == 2
    assert f"{path}:6: platform.network.vpc_cidr: 10.0.0.0/24 is too small" in result.stderr
    assert "the largest max_zones it fits is 4; use max_zones: 4 or fewer, or /23 or larger" in result.stderr


def test_preflight_json_findings_carry_code_severity_path_line_and_fix(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(MINIMAL.replace('"15.8"', '"15.8"\n    instance_class: db.t3.micro'))
    found = json.loads(runner.invoke(app, ["preflight", "-f", str(path), "--json"]).stdout)["findings"]
    assert [f["code"] for f in found] == ["DB-INSTANCE-CLASS", "DB-DATA-API", "CERT-NONE"]
    assert found[0] == {
        "code": "DB-INSTANCE-CLASS",
        "severity": "error",
        "path": "platform.database.instance_class",
        "line": 8,
        "message": "db.t3.micro: Aurora PostgreSQL's smallest burstable classes are medium; the deploy would fail with "
        "InvalidParameterCombination",
        "fix": "use db.r6g.large or db.r7g.large (the Data API that makes tenant databases needs a non-T class)",
    }


def test_warnings_alone_exit_0(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    no_nat = MINIMAL.replace("  database:", "  network: {nat_gateways: none}\n  database:")
    path = write_spec(no_nat.split("tenants:")[0] + "tenants: []\n")
    result = runner.invoke(app, ["preflight", "-f", str(path)])
    assert result.exit_code == 0
    assert "warning NAT-NONE" in result.stderr


def test_live_without_credentials_exits_2_with_a_hint(runner: CliRunner) -> None:
    result = runner.invoke(app, ["preflight", "-f", str(EXAMPLE), "--live"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --live needs AWS credentials (environment, profile or instance role) or --endpoint-url\n"
        f"hint: run `saasctl preflight --offline -f {EXAMPLE}` to check without AWS\n"
    )


def test_offline_and_live_together_are_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["preflight", "-f", str(EXAMPLE), "--live", "--offline"])
    assert result.exit_code == 2
    assert result.stderr == "error: --offline and --live exclude each other\n"


def test_live_against_a_moto_endpoint_reports_live_mode(runner: CliRunner, moto: str) -> None:
    result = runner.invoke(app, ["preflight", "-f", str(EXAMPLE), "--endpoint-url", moto, "--json"])
    report = json.loads(result.stdout)
    assert report["mode"] == "live"
    assert [f["code"] for f in report["findings"]] == [
        "LIVE-CHECK-UNSUPPORTED",
        "LIVE-CHECK-UNSUPPORTED",
        "CERT-NONE",
    ]  # moto 5.2.5 does not implement rds:DescribeDBEngineVersions; the example has no certificate


def test_an_api_the_emulator_lacks_is_one_line_without_html_or_a_permission_to_grant(
    runner: CliRunner, moto: str
) -> None:
    result = runner.invoke(app, ["preflight", "-f", str(EXAMPLE), "--endpoint-url", moto])
    assert result.exit_code == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "rds:DescribeDBEngineVersions" in line]
    assert said == [
        f"warning LIVE-CHECK-UNSUPPORTED {EXAMPLE}:2: could not check the Aurora engine version: {moto} does not "
        "implement rds:DescribeDBEngineVersions (it answered with an HTML error page)",
        f"warning LIVE-CHECK-UNSUPPORTED {EXAMPLE}:2: could not check the database instance class: {moto} does "
        "not implement rds:DescribeDBEngineVersions (it answered with an HTML error page)",
    ]
    emulator = result.stderr.split("warning CERT-NONE")[0]  # the example's own warning (no certificate) comes last
    assert "<" not in emulator and "fix:" not in emulator


def test_local_sends_the_live_checks_to_the_emulator_local_start_left_running(
    runner: CliRunner, moto: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saas_ctl.aws import emulator

    state = emulator.state_file(tmp_path)
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"pid": os.getpid(), "port": int(moto.rsplit(":", 1)[1])}))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["preflight", "-f", str(EXAMPLE), "--local", "--json"])
    report = json.loads(result.stdout)
    assert report["mode"] == "live"
    assert moto in report["findings"][0]["message"]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://[::1", "Invalid IPv6 URL"),
        ("localhost:5000", "it must start with http:// or https://"),
        ("http://127.0.0.1:99999", "Port out of range 0-65535"),
        ("http://", "it names no host"),
    ],
)
def test_a_malformed_endpoint_url_is_one_line_exit_2(runner: CliRunner, url: str, problem: str) -> None:
    result = runner.invoke(app, ["preflight", "--live", "-f", str(EXAMPLE), "--endpoint-url", url])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: --endpoint-url {url!r} is not a valid endpoint URL: {problem}"
    assert "Traceback" not in result.stderr


def test_a_malformed_saasctl_aws_endpoint_is_named_as_the_variable(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAASCTL_AWS_ENDPOINT", "http://[bad")
    result = runner.invoke(app, ["preflight", "--live", "-f", str(EXAMPLE)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "error: SAASCTL_AWS_ENDPOINT='http://[bad' is not a valid endpoint URL: Invalid IPv6 URL"
    )


@pytest.fixture
def web_page() -> Iterator[str]:
    """An endpoint that answers every request with an HTML page (a web server, a proxy's login page)."""
    with html_page_endpoint() as url:
        yield url


def test_an_endpoint_that_answers_html_is_one_line_exit_2(runner: CliRunner, web_page: str) -> None:
    result = runner.invoke(app, ["preflight", "-f", str(EXAMPLE), "--endpoint-url", web_page])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"error: {web_page} is not an AWS-compatible endpoint: asked sts:GetCallerIdentity, the endpoint answered"
        " with something that is not an AWS answer"
    )
