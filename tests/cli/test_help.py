"""Every help page of the real app: flags read as flags, no Python type names, completion on offer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from saas_ctl.cli.main import app


def _command_paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    if hasattr(command, "list_commands"):  # a group (Typer 0.29 ships its own click)
        context = command.make_context(command.name, [], resilient_parsing=True)
        for name in command.list_commands(context):
            yield from _command_paths(command.get_command(context, name), (*prefix, name))


PATHS = list(_command_paths(typer.main.get_command(app)))


def test_every_command_is_covered() -> None:
    assert ("tenant", "move") in PATHS and ("platform", "outputs") in PATHS and len(PATHS) > 20


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "saasctl")
def test_a_help_page_shows_no_value_for_flags_and_no_python_types(runner: CliRunner, path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    assert "list[" not in result.output


def test_h_is_help_everywhere(runner: CliRunner) -> None:
    assert (
        runner.invoke(app, ["tenant", "move", "-h"]).output == runner.invoke(app, ["tenant", "move", "--help"]).output
    )


def test_a_value_option_still_names_its_kind(runner: CliRunner) -> None:
    output = runner.invoke(app, ["tenant", "add", "--help"], env={"COLUMNS": "200"}).output
    assert "--cpu" in output and "<int>" in output


def test_shell_completion_can_be_installed(runner: CliRunner) -> None:
    output = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    assert "--install-completion" in output and "--show-completion" in output
