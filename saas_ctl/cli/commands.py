"""The root's commands and groups, each imported and built when a command line reaches it.

`saasctl --help` lists every entry by its one-line help without importing or building any of them (their
modules, options and epilogs are most of the app's start-up); `saasctl tenant add ...` imports and builds
`tenant` alone. A group's help is written here once and used by the group itself; a command's line here is
its docstring's first paragraph (tests/cli/test_help.py holds the two equal).
"""

import importlib
from typing import Any, NamedTuple

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from saas_ctl.cli.help_text import epilog, overview_epilog

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


class Entry(NamedTuple):  # not a dataclass: defining one costs `saasctl --help` a millisecond
    module: str
    attribute: str  # a command function, or the typer.Typer of a group
    help: str  # the line the root's help page lists it with


ENTRIES = {
    "validate": Entry(
        "saas_ctl.cli.spec_commands",
        "validate",
        "Check the tenants file: structure, values, and every rule that needs no AWS account.",
    ),
    "preflight": Entry(
        "saas_ctl.cli.preflight",
        "preflight",
        "Catch deploy-time AWS failures in seconds: engine versions, instance classes, names, quotas, hosts, tags.",
    ),
    "plan": Entry(
        "saas_ctl.cli.plan",
        "plan",
        "Show what the platform and tenant stacks would create, without AWS credentials or Pulumi CLI.",
    ),
    "apply": Entry(
        "saas_ctl.cli.apply",
        "apply",
        "Converge everything to tenants.yaml: preflight, the platform, then every tenant (at most --parallel at once).",
    ),
    "drift": Entry(
        "saas_ctl.cli.drift",
        "drift",
        "Find what was changed in AWS behind saasctl's back: every stack's state against what AWS holds.",
    ),
    "cost": Entry(
        "saas_ctl.cli.cost",
        "cost",
        "Estimate the monthly cost of the platform and of each tenant from a dated table of AWS list prices.",
    ),
    "schema": Entry(
        "saas_ctl.cli.spec_commands",
        "schema",
        "Print the JSON Schema of tenants.yaml (point your editor's YAML plugin at it for completion).",
    ),
    "install-pulumi": Entry(
        "saas_ctl.cli.install",
        "install_pulumi",
        "Download the Pulumi CLI matching the installed SDK (pulumi.automation.PulumiCommand.install).",
    ),
    "platform": Entry(
        "saas_ctl.cli.platform",
        "app",
        "Preview, deploy, refresh or destroy the shared platform stack (network, database, ALB, cluster).",
    ),
    "tenant": Entry("saas_ctl.cli.tenant", "app", "Declare, deploy, look at and destroy tenants."),
    "release": Entry(
        "saas_ctl.cli.release",
        "app",
        "Ship a new image to every tenant in waves: a canary first, health gates, rollback of a failed wave.",
    ),
    "local": Entry("saas_ctl.cli.local", "app", "Run a local AWS emulator (moto server) that --local deploys to."),
    "state": Entry(
        "saas_ctl.cli.state",
        "app",
        "Set up a team's shared state (S3 and KMS), and clear a stuck stack's lock or the stack itself.",
    ),
}


def group_app(name: str) -> typer.Typer:
    """The Typer app of one group, documented from ENTRIES."""
    return typer.Typer(
        name=name,
        help=ENTRIES[name].help,
        epilog=overview_epilog(name),
        no_args_is_help=True,
        context_settings=HELP_OPTIONS,
        cls=Suggesting,
    )


# Words other CLIs use for what saasctl names otherwise (kubectl's ls, docker's rm).
_OTHER_WORDS = {"ls": "list", "rm": "remove", "delete": "destroy", "create": "add", "status": "show", "deploy": "up"}


def nearest_command(name: str, commands: list[str]) -> str | None:
    """The command a mistyped ``name`` most likely meant (``tenants`` -> ``tenant``), or None."""
    import difflib

    other = _OTHER_WORDS.get(name.lower())
    if other in commands:
        return other
    close = difflib.get_close_matches(name.lower(), commands, n=1, cutoff=0.6)
    return close[0] if close else None


class Suggesting(TyperGroup):
    """A group that answers an unknown command with the one it most likely meant."""

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            meant = nearest_command(name, self.list_commands(ctx))
            if meant is not None:
                ctx.fail(f"No such command {name!r}. Did you mean {meant!r}?")
        return super().resolve_command(ctx, args)


class _Listed(TyperCommand):
    """What a help page or a completion needs of an entry that is not loaded: its name and its help."""


class LazyRoot(Suggesting):
    """The root group: the entries of ENTRIES, listed from there and built on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(ENTRIES)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from saas_ctl.cli import completion

        return super().parse_args(ctx, completion.shell_optional(args))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in ENTRIES:
            return None
        return _BUILT.get(cmd_name) or _Listed(name=cmd_name, help=ENTRIES[cmd_name].help)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in ENTRIES and isinstance(command, _Listed):
            command = load(name)
        return name, command, rest


_BUILT: dict[str, Any] = {}  # each entry is built once per process


def load(name: str) -> Any:
    """The click command (or group) of one entry, built from its module on first use."""
    if name not in _BUILT:
        entry = ENTRIES[name]
        target = getattr(importlib.import_module(entry.module), entry.attribute)
        if isinstance(target, typer.Typer):
            _BUILT[name] = typer.main.get_group(target)
        else:
            single = typer.Typer(add_completion=False, context_settings=HELP_OPTIONS)
            single.command(name, epilog=epilog(name))(target)
            _BUILT[name] = typer.main.get_command(single)
    return _BUILT[name]
