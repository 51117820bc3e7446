"""The command line a person typed, as far as a command it suggests must repeat it: the tenants file (``-f``),
the emulator (``--local``) and the state backend (``--backend``). A retry or a hint that dropped them would act
on another file, another account or another state.

Layers below the CLI write the commands they suggest in backticks (`` `saasctl tenant up acme` ``) and know
nothing of flags; at the edge every such command is completed here with those flags, each only where the
named command takes it (`saasctl tenant logs` takes no --backend, `saasctl validate` neither).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from saas_ctl.cli.streamed import Streamed
from saas_ctl.spec import DEFAULT_FILE

_SUGGESTED = re.compile(r"`(saasctl [^`]+)`")


class Invocation(NamedTuple):
    """The flags a suggested command repeats: the file (None: the default, ./tenants.yaml), --local, --backend."""

    file: str | None = None
    local: bool = False
    backend: str | None = None

    @classmethod
    def of(cls, file: Path, params: dict[str, Any]) -> Invocation:
        """From the file a command acts on and its parsed parameters (``click.Context.params``)."""
        given = None if file == Path(DEFAULT_FILE) else str(file)
        backend = params.get("backend")
        return cls(given, bool(params.get("local")), backend if isinstance(backend, str) else None)

    def command(self, line: str) -> str:
        """``line`` (``saasctl tenant up acme``) with the flags it must repeat that its command takes and that it
        does not give already."""
        try:
            words = shlex.split(line)
        except ValueError:
            return line
        taken = options_of(tuple(words[1:3]))
        wanted: list[str] = []
        if self.file is not None and "-f" in taken and not {"-f", "--file"} & set(words):
            wanted += ["-f", self.file]
        if self.local and "--local" in taken and "--local" not in words:
            wanted.append("--local")
        if self.backend is not None and "--backend" in taken and "--backend" not in words:
            wanted += ["--backend", self.backend]
        return f"{line} {shlex.join(wanted)}" if wanted else line

    def carry(self, text: str) -> str:
        """``text`` with every command suggested in backticks completed (see :meth:`command`)."""
        if self == Invocation() or "`saasctl " not in text:
            return text
        return _SUGGESTED.sub(lambda found: f"`{self.command(found.group(1))}`", text)

    def carry_all(self, value: Any) -> Any:
        """Every string in a JSON document, carried."""
        if isinstance(value, str):
            return self.carry(value)
        if isinstance(value, Streamed):  # carried item by item, as it is written
            return value.mapped(self.carry_all)
        if isinstance(value, dict):
            return {key: self.carry_all(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.carry_all(item) for item in value]
        return value


@cache
def options_of(path: Sequence[str]) -> frozenset[str]:
    """The options the command at ``path`` (its first words after `saasctl`, e.g. ``("tenant", "up")``) takes;
    empty for no command. Read from the command itself, built on first use."""
    from saas_ctl.cli.commands import ENTRIES, load

    if not path or path[0] not in ENTRIES:
        return frozenset()
    command: Any = load(path[0])
    subcommands = getattr(command, "commands", None)  # a group (of Typer's own click)
    if subcommands is not None:
        command = subcommands.get(path[1]) if len(path) > 1 else None
        if command is None:
            return frozenset()
    return frozenset(option for param in command.params for option in param.opts)
