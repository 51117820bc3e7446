"""`saasctl preflight`: check the spec against AWS's constraints before anything deploys."""

from typing import TYPE_CHECKING, Annotated

import typer

from saas_ctl import settings
from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.output import Output, reporting
from saas_ctl.errors import EXIT_INVALID, ExitStatus, UsageError

if TYPE_CHECKING:
    from saas_ctl.preflight.run import Report

EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint-url",
        envvar=settings.AWS_ENDPOINT.name,
        metavar="URL",
        help="Send live checks to this AWS-compatible endpoint (e.g. a local moto server).",
    ),
]


def preflight(
    ctx: typer.Context,
    offline: Annotated[bool, typer.Option("--offline", help="Only the rules that need no AWS account.")] = False,
    live: Annotated[bool, typer.Option("--live", help="Also check against AWS; fail if no credentials.")] = False,
    endpoint_url: EndpointOption = None,
    refresh_catalog: Annotated[
        bool,
        typer.Option(
            "--refresh-catalog", help="Store the region's live Aurora PostgreSQL versions in ~/.cache/saasctl."
        ),
    ] = False,
    local: Annotated[
        bool,
        typer.Option(
            "--local",
            envvar=settings.LOCAL.name,
            help="Send live checks to the local emulator started by `saasctl local start` (--endpoint-url wins).",
        ),
    ] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
) -> None:
    """Catch deploy-time AWS failures in seconds: engine versions, instance classes, names, quotas, hosts, tags.

    Without --offline or --live, live checks run when AWS credentials (or --endpoint-url) are available.
    Exit code 2 when any error is found. With --json: {"findings": [...], "mode", "catalog_date"}.
    """
    from saas_ctl.preflight import run as checks
    from saas_ctl.spec import loader

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        if offline and live:
            raise UsageError("--offline and --live exclude each other")
        if local and not endpoint_url:  # an endpoint named outright wins
            from pathlib import Path

            from saas_ctl.aws import emulator

            endpoint_url = emulator.endpoint(Path.cwd())
        loaded = loader.load(cli.file)
        if refresh_catalog:
            path = checks.refresh_catalog(loaded, endpoint_url)
            cli.output.info(f"stored the live version list in {path}")
        mode = checks.Mode.OFFLINE if offline else checks.Mode.LIVE if live else checks.Mode.AUTO
        report = checks.run(loaded, mode, endpoint_url)
        render(cli.output, report, str(cli.file))
        if report.errors:
            raise ExitStatus(EXIT_INVALID)


def render(output: Output, report: "Report", file: str) -> None:
    from saas_ctl.preflight.run import describe

    def text() -> None:
        for finding in report.findings:
            output.info(describe(finding, file))
        summary = (
            f"preflight ({report.mode}, versions as of {report.catalog_date}): {len(report.errors)} error(s), "
            f"{len(report.warnings)} warning(s)"
        )
        if report.errors:
            output.info(summary)
        else:
            output.success(summary)

    output.result(report.to_json(), text)
