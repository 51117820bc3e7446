"""Shell completion: the root's --install-completion/--show-completion taking the shell to write for, and the
tenant names of the tenants file for every argument that names declared tenants.

Typer's own pair of options either detects the shell (a flag: ``--show-completion zsh`` prints the script of
the shell it runs in, and takes ``zsh`` for a command) or always needs one; these take it when given and
detect it when not.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import completion as typer_completion
from typer._completion_classes import completion_init
from typer._completion_shared import Shells

from saas_ctl import settings
from saas_ctl.spec import DEFAULT_FILE

DETECT = "detect"  # the value of a completion option given without a shell
SHELLS = [shell.value for shell in Shells]


def _shell(value: str | None) -> str | bool | None:
    """The shell asked for: its name, True to detect it, None when the option was not given."""
    if value is None:
        return None
    if value == DETECT:
        return True
    if value not in SHELLS:
        raise typer.BadParameter(f"{value!r} is not a shell saasctl completes; valid: {', '.join(SHELLS)}")
    return value


def _show(ctx: typer.Context, param: Any, value: str | None) -> None:
    shell = _shell(value)
    if shell is not None and not ctx.resilient_parsing:
        typer_completion.show_callback(ctx, param, shell)


def _install(ctx: typer.Context, param: Any, value: str | None) -> None:
    shell = _shell(value)
    if shell is not None and not ctx.resilient_parsing:
        typer_completion.install_callback(ctx, param, shell)


ShowCompletionOption = Annotated[
    str | None,
    typer.Option(
        "--show-completion",
        metavar="[SHELL]",
        callback=_show,
        expose_value=False,
        is_eager=True,
        help=f"Print the completion script of SHELL ({', '.join(SHELLS)}; default: the current shell).",
    ),
]
InstallCompletionOption = Annotated[
    str | None,
    typer.Option(
        "--install-completion",
        metavar="[SHELL]",
        callback=_install,
        expose_value=False,
        is_eager=True,
        help="Install completion for SHELL (default: the current shell).",
    ),
]


def shell_optional(args: list[str]) -> list[str]:
    """``args`` with the current shell's placeholder after a completion option given without a shell (last on
    the line, or before another option): Typer's options take a value always or never."""
    out = []
    for index, arg in enumerate(args):
        out.append(arg)
        following = args[index + 1] if index + 1 < len(args) else None
        if arg in OPTIONS and (following is None or following.startswith("-")):
            out.append(DETECT)
    return out


OPTIONS = ("--show-completion", "--install-completion")


def install() -> None:
    """Typer's completion runtime (the scripts' ``complete_bash`` style of instruction), which its own pair of
    options would otherwise set up."""
    completion_init()


def tenant_names(ctx: typer.Context, incomplete: str) -> list[str]:
    """The tenants the file declares that start with ``incomplete``, less those already on the command line.

    Read leniently (any YAML the names can be found in, valid or not) and never failing: a completion that
    cannot read the file offers nothing rather than an error in the middle of the user's line."""
    try:
        names = _declared(_file(ctx))
    except Exception:
        return []
    given = {name for key in ("names", "tenant") for name in _as_list(ctx.params.get(key))}
    return [name for name in names if name.startswith(incomplete) and name not in given]


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or ())


def _file(ctx: typer.Context) -> Path:
    """The tenants file as the command would choose it: -f after the command, -f before it, SAASCTL_FILE, the
    default."""
    here: Any = ctx
    while here is not None:
        chosen = here.params.get("file")
        if chosen:
            return Path(chosen)
        here = here.parent
    return Path(os.environ.get(settings.FILE.name) or DEFAULT_FILE)


def _declared(path: Path) -> list[str]:
    import yaml

    with open(path, "rb") as handle:
        data: Any = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    tenants = data.get("tenants") if isinstance(data, dict) else None
    return [t["name"] for t in tenants or () if isinstance(t, dict) and isinstance(t.get("name"), str)]
