"""How options read in --help: a flag is a flag, a value shows its kind, Python's type names stay inside.

Typer 0.29 prints a type for every option, flags included (``--json <bool>``, ``--help <bool>``), and
Python's spelling of lists (``<list[str]>``), and it writes an argument as ``{name}`` in the usage line and
``name <str>`` in its table. Overrides of its option and argument classes fix these everywhere: an argument
reads as its metavar (``NAME``, ``[NAME]...``), as in the README and in click. They are checked against every
help page by tests/cli/test_help.py, so a Typer upgrade that changes the hooks fails there rather than in
front of a user.
"""

import re
from typing import Any

from typer.core import TyperArgument, TyperOption

_LIST = re.compile(r"<list\[(.+)\]>")
_option_type = TyperOption.display_type_rich
_argument_type = TyperArgument.display_type_rich


def _plain(shown: str | None) -> str | None:
    return None if shown is None else _LIST.sub(r"<\1>", shown)  # repeatable ones say so in their help


def _option_display_type(self: TyperOption, ctx: Any) -> str | None:
    if self.is_flag or self.count:
        return None  # a flag takes no value
    return _plain(_option_type(self, ctx))


def _argument_display_type(self: TyperArgument, ctx: Any) -> str | None:
    if self.metavar is not None:
        return None  # its name column already says what it takes
    return _plain(_argument_type(self, ctx))


def _argument_usage(self: TyperArgument) -> str:
    name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
    return name if self.nargs == 1 else f"{name}..."


def install() -> None:
    TyperOption.display_type_rich = _option_display_type  # type: ignore[method-assign]
    TyperArgument.display_type_rich = _argument_display_type  # type: ignore[method-assign,assignment]
    TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]
