"""The command groups (`platform`, `tenant`, `local`), loaded only when a command line reaches one.

`saasctl --help` lists each group by its one-line help and does not import or build the group's commands,
which are most of the app; `saasctl tenant add ...` imports `tenant` alone. A group's help is written here
once and used by both the listing and the group itself (tests/cli/test_help.py compares them).
"""

import importlib
from dataclasses import dataclass
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup


@dataclass(frozen=True)
class Group:
    module: str
    help: str


HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
GROUPS = {
    "platform": Group(
        "saas_ctl.cli.platform",
        "Preview, deploy, refresh or destroy the shared platform stack (network, database, ALB, cluster).",
    ),
    "tenant": Group("saas_ctl.cli.tenant", "Declare, deploy, look at and destroy tenants."),
    "local": Group("saas_ctl.cli.local", "Run a local AWS emulator (moto server) that --local deploys to."),
}


def group_app(name: str) -> typer.Typer:
    """The Typer app of one group, named and documented from GROUPS."""
    return typer.Typer(name=name, help=GROUPS[name].help, no_args_is_help=True, context_settings=HELP_OPTIONS)


class _Listed(typer.core.TyperCommand):
    """What a help page or a completion needs of a group that is not loaded: its name and its help."""


class LazyGroups(TyperGroup):
    """The root group: its own commands as Typer built them, and the groups of GROUPS on demand."""

    _loaded: dict[str, Any] = {}  # noqa: RUF012 -- one cache per process: each group is built once

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *GROUPS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in GROUPS:
            return self._loaded.get(cmd_name) or _Listed(name=cmd_name, help=GROUPS[cmd_name].help)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in GROUPS and isinstance(command, _Listed):
            command = load(name)
        return name, command, rest


def load(name: str) -> Any:
    """The click group of one group of GROUPS, built from its module's `app` on first use."""
    if name not in LazyGroups._loaded:
        app: typer.Typer = importlib.import_module(GROUPS[name].module).app
        LazyGroups._loaded[name] = typer.main.get_group(app)
    return LazyGroups._loaded[name]
