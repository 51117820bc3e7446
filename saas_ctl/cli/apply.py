"""`saasctl apply`: converge every stack to tenants.yaml, in parallel, optionally as one shard of a CI matrix."""

from enum import StrEnum
from typing import Annotated

import typer

from saas_ctl.cli.context import FileOption, JsonOption, application, session
from saas_ctl.cli.options import (
    ApplyYesOption,
    BackendOption,
    DetailedExitcodeOption,
    DiffOption,
    LocalOption,
    ParallelOption,
    SkipPreflightOption,
)
from saas_ctl.cli.output import reporting
from saas_ctl.cli.results import conclude, conclude_markdown
from saas_ctl.cli.terminal import Terminal
from saas_ctl.errors import UsageError


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


def apply(
    ctx: typer.Context,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune", help="Also destroy the stacks of tenants no longer declared (their bucket and secret are kept)."
        ),
    ] = False,
    parallel: ParallelOption = 4,
    shard: Annotated[
        str,
        typer.Option(
            "--shard",
            metavar="K/N",
            help="Only this share K/N of the tenants, for N CI jobs sharing "
            "a backend; shard 1 also updates the platform.",
        ),
    ] = "1/1",
    fail_fast: Annotated[bool, typer.Option("--fail-fast", help="Start nothing new after the first failure.")] = False,
    platform_wait: Annotated[
        float,
        typer.Option(
            "--platform-wait",
            min=0,
            metavar="SECONDS",
            help="Shards other than 1: seconds to wait for shard 1 to deploy the platform.",
        ),
    ] = 1800.0,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Preview every stack the run would change and change nothing."),
    ] = False,
    all_stacks: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Deploy every stack, also those whose fingerprint is unchanged since their last successful up.",
        ),
    ] = False,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Refresh every stack's state from AWS first, then deploy it (whatever its fingerprint): "
            "undoes changes made behind saasctl's back.",
        ),
    ] = False,
    diff: DiffOption = False,
    detailed_exitcode: DetailedExitcodeOption = False,
    output_format: Annotated[
        Format,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="text (default), json (as --json), or markdown: with --dry-run, a pull request comment on stdout "
            "(per stack the resources to replace, delete, create and update, preflight's findings, a summary).",
        ),
    ] = Format.TEXT,
    skip_preflight: SkipPreflightOption = False,
    yes: ApplyYesOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Converge everything to tenants.yaml: preflight, the platform, then every tenant (at most --parallel at once).

    A stack whose fingerprint (its inputs, the platform outputs it consumes, its config, the versions of
    saasctl, pulumi and pulumi-aws) is the one its last successful up recorded is skipped, status unchanged;
    --all deploys every stack, --refresh refreshes and deploys every stack.

    A failing tenant does not stop the others (unless --fail-fast); the summary ends with the command that
    retries just the failed ones. Exit code 1 if anything failed, 130 if interrupted. On a terminal it shows
    what the preview says will change and asks first (--yes skips the question; off a terminal nothing is
    asked). --dry-run only previews: each stack's resources that would be replaced, deleted, created or updated;
    with --detailed-exitcode it exits 3 when anything would change.
    """
    from saas_ctl.service.apply import ApplyRequest
    from saas_ctl.service.apply import apply as run_apply

    cli = application(ctx, file, json_mode or output_format is Format.JSON)
    with reporting(cli.output):
        if detailed_exitcode and not dry_run:
            raise UsageError("--detailed-exitcode needs --dry-run: it says whether a preview found changes pending")
        markdown = output_format is Format.MARKDOWN
        if markdown and not dry_run:
            raise UsageError("--format markdown needs --dry-run: it writes what a dry run found as a PR comment")
        if markdown and cli.output.json_mode:
            raise UsageError("--format markdown and --json each print one document on stdout: choose one")
        rt = session(cli, backend, local, parallel=parallel, fail_fast=fail_fast, deploys=not dry_run)
        request = ApplyRequest(
            shard, prune, platform_wait, dry_run, skip_preflight, yes, everything=all_stacks, refresh=refresh
        )
        outcome = run_apply(rt, Terminal(cli.output, diff), request)
        if markdown:
            conclude_markdown(cli.output, outcome, str(cli.file), detailed_exitcode)
        else:
            conclude(cli.output, outcome, diff, detailed_exitcode)
