"""Running preflight: offline rules always, live checks when credentials or an endpoint are available."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from saas_ctl.aws import session as aws
from saas_ctl.errors import UsageError
from saas_ctl.preflight import catalog as versions
from saas_ctl.preflight import offline
from saas_ctl.preflight.findings import Finding, Severity
from saas_ctl.spec.loader import LoadedSpec, format_path


class Mode(StrEnum):
    AUTO = "auto"
    OFFLINE = "offline"
    LIVE = "live"


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    mode: Mode
    catalog_date: str
    calls: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [f.to_json() for f in self.findings],
            "mode": str(self.mode),
            "catalog_date": self.catalog_date,
            "aws_calls": sum(self.calls.values()),
        }


class PreflightFailed(UsageError):
    """Preflight found errors: nothing was deployed."""

    def __init__(self, report: Report, file: str) -> None:
        count = len(report.errors)
        super().__init__(
            f"preflight found {count} error{'s' if count != 1 else ''}; nothing was deployed",
            hint="fix the errors above (or pass --skip-preflight to deploy anyway)",
        )
        self.report = report
        self.file = file

    def details(self) -> list[str]:
        return ["  " + describe(finding, self.file) for finding in self.report.findings]

    def to_json(self) -> dict[str, Any]:
        return {"error": self.message, "preflight": self.report.to_json()}


def describe(finding: Finding, file: str) -> str:
    """``error DB-ENGINE-VERSION tenants.yaml:12 platform.database.engine_version: ... (fix: ...)``."""
    where = f"{file}:{finding.line}" if finding.line else file
    path = format_path(finding.path)
    text = f"{finding.severity} {finding.code} {where}{' ' + path if path else ''}: {finding.message}"
    return text + (f"\n    fix: {finding.fix}" if finding.fix else "")


def run(
    loaded: LoadedSpec,
    mode: Mode = Mode.AUTO,
    endpoint_url: str | None = None,
    deployed: set[str] | None = None,
    session: Any | None = None,
) -> Report:
    spec = loaded.spec
    catalog = versions.load(spec.platform.region)
    findings = offline.check(spec, catalog)
    calls: Counter[str] = Counter()
    ran = Mode.OFFLINE
    if mode is not Mode.OFFLINE:
        session = session or aws.session(endpoint_url)
        if session is None and mode is Mode.LIVE:
            raise UsageError(
                "--live needs AWS credentials (environment, profile or instance role) or --endpoint-url",
                hint="run `saasctl preflight --offline` to check without AWS",
            )
        if session is not None:
            from saas_ctl.preflight import live

            context = live.AwsContext(session, spec.platform.region, endpoint_url)
            unreachable = live.unreachable(context)
            if unreachable is None:
                findings += live.run_checks(spec, context, deployed)
                ran = Mode.LIVE
            elif mode is Mode.LIVE:
                findings.append(unreachable)
            else:  # auto: one warning, and the offline rules' answer
                findings.append(replace(unreachable, severity=Severity.WARNING))
            calls = context.calls
    located = [f.at_line(loaded.line_of(f.path)) for f in findings]
    located.sort(key=lambda f: (f.severity is not Severity.ERROR, f.line or 0))
    return Report(located, ran, catalog.as_of, calls)


def refresh_catalog(loaded: LoadedSpec, endpoint_url: str | None = None, context: Any | None = None) -> Path:
    """Store the region's live list of Aurora PostgreSQL versions in the user's cache."""
    from saas_ctl.preflight import live

    region = loaded.spec.platform.region
    if context is None:
        session = aws.session(endpoint_url)
        if session is None:
            raise UsageError("--refresh-catalog needs AWS credentials or --endpoint-url")
        context = live.AwsContext(session, region, endpoint_url)
    listing = f"could not list aurora-postgresql versions in {region}"
    with aws.boundary(listing, hint="this needs rds:DescribeDBEngineVersions"):
        pages = context.client("rds").get_paginator("describe_db_engine_versions").paginate(Engine=versions.ENGINE)
        found = [v["EngineVersion"] for page in pages for v in page["DBEngineVersions"]]
    if not found:
        raise UsageError(f"AWS listed no aurora-postgresql versions in {region}; the catalogue was not changed")
    with aws.boundary("could not list the AWS Regions", hint="this needs ec2:DescribeRegions"):
        described = context.client("ec2").describe_regions(AllRegions=True).get("Regions", [])
        regions = [r["RegionName"] for r in described]
    if regions:
        versions.store_regions(regions)
    return versions.store(region, found)
