"""Every help page of the real app: flags read as flags, no Python type names, completion on offer."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from saas_ctl.cli.groups import GROUPS, load
from saas_ctl.cli.main import app


def _command_paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    if hasattr(command, "list_commands"):  # a group (Typer 0.29 ships its own click)
        context = command.make_context(command.name, [], resilient_parsing=True)
        for name in command.list_commands(context):
            yield from _command_paths(command.resolve_command(context, [name])[1], (*prefix, name))


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


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_the_root_page_lists_a_group_by_the_help_of_the_group_itself(name: str) -> None:
    root = typer.main.get_command(app)
    context = root.make_context("saasctl", [], resilient_parsing=True)
    assert root.get_command(context, name).help == load(name).help == GROUPS[name].help  # type: ignore[attr-defined]


def test_the_root_help_page_builds_no_group() -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['saasctl', '--help']\n"
        "try:\n    runpy.run_module('saas_ctl', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in sys.modules if m in ('saas_ctl.cli.tenant', 'saas_ctl.cli.platform', "
        "'saas_ctl.cli.local')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "LOADED []"


def test_a_group_is_built_when_a_command_line_names_it(runner: CliRunner) -> None:
    result = runner.invoke(app, ["local", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "Usage: saasctl local" in result.output and "start" in result.output
