"""`saasctl apply`: converge every stack to tenants.yaml, in parallel, optionally as one shard of a CI matrix."""

import shlex
from typing import Annotated

import typer

from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.lifecycle_support import (
    BackendOption,
    LocalOption,
    ParallelOption,
    SkipPreflightOption,
    YesOption,
    changes_then_confirm,
    confirm,
    finish,
    preflight_unless_skipped,
    progress_and_signals,
    session,
)
from saas_ctl.cli.output import reporting


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
    skip_preflight: SkipPreflightOption = False,
    yes: YesOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Converge everything to tenants.yaml: preflight, the platform, then every tenant (at most --parallel at once).

    A failing tenant does not stop the others (unless --fail-fast); the summary ends with the command that
    retries just the failed ones. Exit code 1 if anything failed, 130 if interrupted. On a terminal it shows
    what the preview says will change and asks first (--yes skips the question; off a terminal nothing is
    asked). --dry-run only previews.
    """
    from saas_ctl import fleet, lifecycle

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        part = fleet.Shard.parse(shard)
        rt = session(cli, backend, local, parallel=parallel, fail_fast=fail_fast)
        loaded = lifecycle.load(rt)
        lifecycle.check_engine(rt)
        deployed = lifecycle.deployed_tenants(rt, loaded.spec)
        preflight_unless_skipped(cli.output, rt, loaded, skip_preflight, deployed)
        orphans = fleet.plan(loaded, deployed, part, prune).orphans
        if dry_run:
            with progress_and_signals(cli.output, rt) as live:
                seen = fleet.preview(live, loaded, part, prune, deployed)
            for name in seen.not_previewed:
                cli.output.info(f"{name}: would be created once the platform (or its cell) is up")
            extra = {"shard": shard, "dry_run": True, "not_previewed": seen.not_previewed}
            finish(cli.output, seen.reports, extra={**extra, "would_destroy": seen.would_destroy})
            return
        changes_then_confirm(
            cli.output,
            rt,
            "Apply these changes?",
            yes,
            lambda live: fleet.preview(live, loaded, part, prune, deployed).reports,
        )
        if orphans:
            confirm(
                cli.output,
                f"Destroy the stacks of {len(orphans)} tenant(s) no longer declared ({', '.join(orphans)})?",
                yes,
            )
        with progress_and_signals(cli.output, rt) as live:
            reports = fleet.apply(live, loaded, part, prune, platform_wait)

        def retry(names: list[str]) -> str:
            return shlex.join(["saasctl", "tenant", "up", *names, "-f", str(cli.file)])

        finish(cli.output, reports, retry, extra={"shard": shard})
