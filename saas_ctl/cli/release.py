"""`saasctl release IMAGE`, `saasctl release status [ID]`, `saasctl release resume ID`: a new image shipped to the
fleet in waves. `release IMAGE` is the group's default command: any first word that is not a sub-command's name
is the image."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from saas_ctl.cli.commands import ENTRIES, HELP_OPTIONS
from saas_ctl.cli.context import Application, FileOption, JsonOption, command_session
from saas_ctl.cli.help_text import epilog, overview_epilog
from saas_ctl.cli.options import BackendOption, DeployYesOption, LocalOption, ParallelOption
from saas_ctl.cli.output import Output
from saas_ctl.cli.terminal import Terminal

if TYPE_CHECKING:
    from collections.abc import Callable

    from saas_ctl.orchestration.session import Session
    from saas_ctl.releases.record import Release
    from saas_ctl.service.release import ReleaseOutcome

DEFAULT = "start"  # the hidden name of `release IMAGE`


class ReleaseGroup(TyperGroup):
    """A group whose default command takes the image: `release IMAGE ...`, beside `release status|resume`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [DEFAULT, *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: Any) -> list[str]:
        return [name for name in super().list_commands(ctx) if name != DEFAULT]

    @property
    def default(self) -> Any:
        return self.commands[DEFAULT]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.default.format_help(ctx, formatter)  # `release --help` is `release IMAGE`'s page, which names the others


app = typer.Typer(
    name="release",
    cls=ReleaseGroup,
    help=ENTRIES["release"].help,
    epilog=overview_epilog("release"),
    no_args_is_help=True,
    context_settings=HELP_OPTIONS,
)


@app.command(DEFAULT, hidden=True, epilog=epilog("release"))
def start(
    ctx: typer.Context,
    image: Annotated[str, typer.Argument(metavar="IMAGE", help="The image every tenant is to run.")],
    canary: Annotated[
        str,
        typer.Option(
            "--canary",
            metavar="N|NAMES",
            help="The tenants deployed (and gated) first: the first N of the file, or names separated by commas.",
        ),
    ] = "1",
    waves: Annotated[
        str,
        typer.Option(
            "--waves",
            metavar="SHARES",
            help="After the canary, the share of the other tenants each wave reaches, rising to 100%.",
        ),
    ] = "10%,50%,100%",
    bake: Annotated[
        float,
        typer.Option(
            "--bake", min=0, metavar="SECONDS", help="How long each wave must stay healthy before the next starts."
        ),
    ] = 0.0,
    check_path: Annotated[
        str | None,
        typer.Option(
            "--check-path",
            metavar="PATH",
            help="Also require an HTTP 2xx for this path through each tenant's load balancer (its Host header).",
        ),
    ] = None,
    max_failures: Annotated[
        int,
        typer.Option(
            "--max-failures",
            min=0,
            metavar="K",
            help="Carry on while at most K tenants have failed (each is rolled back alone); one more stops it.",
        ),
    ] = 0,
    include_pinned: Annotated[
        bool, typer.Option("--include-pinned", help="Also release to tenants that pin their own image.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Start even though another release is open (it is marked superseded).")
    ] = False,
    yes: DeployYesOption = False,
    parallel: ParallelOption = 4,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Ship IMAGE to every tenant in waves: the canary first, each wave gated on health, a failed gate rolled back.

    Writes IMAGE into the file's defaults.image, then deploys each wave (at most --parallel at once) and gates it:
    every tenant's ECS rollout COMPLETED, all its targets healthy, with --check-path an HTTP 2xx, and still so
    for --bake seconds. A tenant that fails (more than --max-failures) stops the release: the wave's tenants that
    took IMAGE go back to the image they ran, the file too, and the command exits 1 saying who runs what. Tenants
    that pin their own image are left alone unless --include-pinned. At a terminal it shows the waves and asks
    (--yes skips that); off one nothing is asked. `saasctl release status [ID]` shows a release, `saasctl
    release resume ID` continues a stopped one.
    """
    from saas_ctl.service.release import ReleaseRequest
    from saas_ctl.service.release import start as run_start

    request = ReleaseRequest(image, canary, waves, bake, check_path, max_failures, include_pinned, force, yes)
    _released(ctx, file, json_mode, backend, local, parallel, lambda rt, ui, url: run_start(rt, ui, request, url))


@app.command("status", epilog=epilog("release status"))
def status(
    ctx: typer.Context,
    release_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="The release (default: the latest one).")
    ] = None,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Show a release: its image, its waves, each tenant's result and the image it runs."""
    from saas_ctl.service.release import status as read_status

    with command_session(ctx, file, json_mode, backend, local, reads_only=True) as (cli, rt):
        release = read_status(rt, _backend_url(cli, backend, local), release_id)
        cli.output.result(release.to_json(), lambda: _describe(cli.output, release))


@app.command("resume", epilog=epilog("release resume"))
def resume(
    ctx: typer.Context,
    release_id: Annotated[str, typer.Argument(metavar="ID", help="The stopped release to continue.")],
    parallel: ParallelOption = 4,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Continue a stopped release from the wave it stopped in; tenants that passed are not deployed again."""
    from saas_ctl.service.release import resume as run_resume

    _released(ctx, file, json_mode, backend, local, parallel, lambda rt, ui, url: run_resume(rt, ui, release_id, url))


def _released(
    ctx: typer.Context,
    file: Path | None,
    json_mode: bool,
    backend: str | None,
    local: bool,
    parallel: int,
    run: "Callable[[Session, Terminal, str], ReleaseOutcome]",
) -> None:
    """Run a release (a new one, or a resumed one) with the command line's session, and print how it ended."""
    with command_session(ctx, file, json_mode, backend, local, parallel=parallel, deploys=True) as (cli, rt):
        _conclude(cli, run(rt, Terminal(cli.output), _backend_url(cli, backend, local)))


def _backend_url(cli: Application, backend: str | None, local: bool) -> str:
    """The state backend the engine keeps the file's stacks in (saas_ctl.state.location): releases are recorded
    there too."""
    from saas_ctl.state import location

    return location.resolve(cli.file, backend, local, Path.cwd()).backend_url


def _conclude(cli: Application, outcome: "ReleaseOutcome") -> None:
    """The release as recorded (text or one JSON document), then its exit code: 0 completed with no tenant
    failed, 130 interrupted, else 1."""
    from saas_ctl.errors import EXIT_FAILED, EXIT_INTERRUPTED, ExitStatus
    from saas_ctl.releases.record import ReleaseStatus

    release = outcome.release
    results = [r.to_json() for report in outcome.reports for r in report.results]
    document = {**release.to_json(), "results": results, "notes": outcome.notes}

    def text() -> None:
        _describe(cli.output, release)
        for note in outcome.notes:
            cli.output.info(note)

    cli.output.result(document, text)
    if release.status is ReleaseStatus.INTERRUPTED:
        raise ExitStatus(EXIT_INTERRUPTED)
    if release.status is not ReleaseStatus.COMPLETED or release.failures:
        raise ExitStatus(EXIT_FAILED)


def _describe(output: Output, release: "Release") -> None:
    """A release for a person: what it ships and how it ended, each wave, the failures, who runs what."""
    from saas_ctl.releases.record import ReleaseStatus, TenantStatus

    ended = f" ({release.reason})" if release.reason else ""
    line = f"release {release.id} of {release.image}: {release.status}{ended}"
    (output.success if release.status is ReleaseStatus.COMPLETED else output.warn)(line)
    rows = []
    for wave in release.waves:
        for name in wave.tenants:
            entry = release.tenants[name]
            rows.append([wave.name, name, str(entry.status), entry.runs, entry.error or ""])
    output.records(["wave", "tenant", "status", "runs", "error"], rows, title="tenants")
    for name, why in release.skipped.items():
        output.info(f"left alone: {name}: {why}")
    for image, names in release.who_runs_what().items():
        output.info(f"{len(names)} tenant(s) run {image}")
    rolled = [n for n, e in release.tenants.items() if e.status is TenantStatus.ROLLED_BACK]
    if rolled:
        output.info(f"rolled back to their previous image: {', '.join(rolled)}")
