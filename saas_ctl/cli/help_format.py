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


def _unwrapped(paragraphs: list[str], markup_mode: Any) -> str:
    """Typer 0.29 keeps a docstring's line breaks inside a paragraph, so a page showed the source's wrapping
    inside the renderer's: prose paragraphs are joined into one line each for the renderer to wrap. A block
    (indented lines, such as the examples) keeps its lines, and an example too long for the page continues on
    the next line after a backslash, between two arguments, never in the middle of one."""
    width = _page_width()
    return "\n\n".join(_paragraph(paragraph, width) for paragraph in paragraphs)


def _page_width() -> int:
    from typer import rich_utils

    return rich_utils._get_rich_console().width - 2  # the page is printed with a padding of one either side


def _paragraph(text: str, width: int) -> str:
    lines = text.split("\n")
    if text.startswith("\b") or any(line[:1].isspace() for line in lines[1:]):
        return "\n".join(folded for line in lines for folded in _example_lines(line, width))
    return " ".join(line.strip() for line in lines)


CONTINUATION = "      "  # a continued example's later lines: indented past the command's own


def _example_lines(line: str, width: int) -> list[str]:
    """An example line as it fits ``width``: whole when it does, else broken between arguments (a flag stays
    with its value) with a backslash, as a shell reads it."""
    if len(line) <= width or not line.lstrip().startswith("saasctl "):
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    words = line.split()
    pieces: list[str] = []
    for word in words:
        if pieces and pieces[-1].startswith("-") and " " not in pieces[-1] and not word.startswith("-"):
            pieces[-1] += f" {word}"  # a flag and its value
        else:
            pieces.append(word)
    out = [indent + pieces[0]]
    for piece in pieces[1:]:
        if len(out[-1]) + 1 + len(piece) + 2 > width:
            out[-1] += " \\"
            out.append(CONTINUATION + piece)
        else:
            out[-1] += f" {piece}"
    return out


def install() -> None:
    from typer import rich_utils

    rich_utils._fix_linebreaks = _unwrapped
    TyperOption.display_type_rich = _option_display_type  # type: ignore[method-assign]
    TyperArgument.display_type_rich = _argument_display_type  # type: ignore[method-assign,assignment]
    TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]
