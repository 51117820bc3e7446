"""Shared CLI state: the options every command accepts, and the application object built from them."""

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from saas_ctl.cli.output import Output
from saas_ctl.spec import DEFAULT_FILE

FileOption = Annotated[
    Path | None,
    typer.Option(
        "--file",
        "-f",
        envvar="SAASCTL_FILE",
        help=f"The tenants file (desired state). [env: SAASCTL_FILE] [default: ./{DEFAULT_FILE}]",
        show_envvar=False,
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON document on stdout and nothing else (for scripts and CI)."),
]


@dataclass(frozen=True)
class GlobalOptions:
    file: Path | None = None
    json: bool = False


@dataclass(frozen=True)
class Application:
    """What a command needs: the tenants file to act on and where to print."""

    file: Path
    output: Output


def application(ctx: typer.Context, file: Path | None, json_mode: bool) -> Application:
    """Combine a command's own -f/--json with those given before the command name."""
    root = ctx.find_root().obj
    globals_ = root if isinstance(root, GlobalOptions) else GlobalOptions()
    chosen = file or globals_.file or Path(DEFAULT_FILE)
    return Application(chosen, Output(json_mode or globals_.json))
