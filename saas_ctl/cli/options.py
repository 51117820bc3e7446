"""The options the commands that operate on stacks share."""

from typing import Annotated

import typer

from saas_ctl import settings

BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend",
        envvar=settings.BACKEND_URL.name,
        metavar="URL",
        show_default="platform.state.backend, else .saasctl/state beside the tenants file",
        help="Pulumi state backend: s3://bucket/prefix (shared by a team), https://api.pulumi.com, or file://DIR. "
        "Not with --local (the emulator keeps its own state).",
    ),
]
LocalOption = Annotated[
    bool,
    typer.Option(
        "--local",
        envvar=settings.LOCAL.name,
        help="Deploy to the local AWS emulator started by `saasctl local start`.",
    ),
]
# What --yes does depends on what the command risks: a deploy never asks off a terminal (CI), so there --yes only
# skips the preview and the question at one; what destroys or moves asks at a terminal and is refused off one
# without --yes.
YesOption = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="Do not ask for confirmation. Required when stdin is not a terminal (CI): it is refused without.",
    ),
]
DeployYesOption = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="At a terminal, deploy without showing the preview and asking. Off a terminal (CI) nothing is asked "
        "anyway.",
    ),
]
ApplyYesOption = Annotated[
    bool,
    typer.Option(
        "--yes",
        "-y",
        help="At a terminal, go ahead without the preview and the questions. Off a terminal deploys are never asked "
        "about, but --prune (which destroys stacks) is refused without --yes.",
    ),
]
SkipPreflightOption = Annotated[
    bool, typer.Option("--skip-preflight", help="Deploy without checking AWS constraints first (not recommended).")
]
ParallelOption = Annotated[
    int,
    typer.Option(
        "--parallel",
        "-p",
        metavar="N",
        min=1,
        max=64,
        help="Stack operations at once (each runs a Pulumi CLI and an AWS provider process).",
    ),
]
DiffOption = Annotated[
    bool,
    typer.Option(
        "--diff", help="Show each changed property of each resource in the preview, old → new (secrets masked)."
    ),
]
DetailedExitcodeOption = Annotated[
    bool,
    typer.Option(
        "--detailed-exitcode",
        help="Exit 3 when the preview finds changes pending, 0 when there are none (1 failed, 2 invalid, as always).",
    ),
]
