"""Every help page of the real app: flags read as flags, no Python type names, completion on offer."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from saas_ctl.cli.commands import ENTRIES, load
from saas_ctl.cli.help_text import COMMANDS
from saas_ctl.cli.main import app
from tests.conftest import MINIMAL


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
    assert not re.search(r"<(str|int|float|path)>", result.output)
    assert "{" not in result.output.split("Usage:", 1)[1].splitlines()[0]


def test_h_is_help_everywhere(runner: CliRunner) -> None:
    assert (
        runner.invoke(app, ["tenant", "move", "-h"]).output == runner.invoke(app, ["tenant", "move", "--help"]).output
    )


def test_a_value_option_names_what_it_takes(runner: CliRunner) -> None:
    output = runner.invoke(app, ["tenant", "add", "--help"], env={"COLUMNS": "200"}).output
    assert re.search(r"--cpu +UNITS +Fargate cpu units", output)


def test_an_argument_reads_as_its_metavar_in_the_usage_line_and_its_table(runner: CliRunner) -> None:
    add = runner.invoke(app, ["tenant", "add", "--help"], env={"COLUMNS": "200"}).output
    up = runner.invoke(app, ["tenant", "up", "--help"], env={"COLUMNS": "200"}).output
    assert "Usage: saasctl tenant add [OPTIONS] NAME " in add and re.search(r"\* +NAME +Tenant name", add)
    assert "Usage: saasctl tenant up [OPTIONS] [NAME]... " in up


def test_shell_completion_can_be_installed(runner: CliRunner) -> None:
    output = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    assert "--install-completion" in output and "--show-completion" in output


def _first_paragraph(help_text: str) -> str:
    return " ".join(inspect.cleandoc(help_text).split("\n\n")[0].split())


@pytest.mark.parametrize("name", list(ENTRIES))
def test_the_root_page_lists_an_entry_by_the_first_paragraph_of_its_own_help(name: str) -> None:
    root = typer.main.get_command(app)
    context = root.make_context("saasctl", [], resilient_parsing=True)
    listed = root.get_command(context, name).help  # type: ignore[attr-defined]
    assert _first_paragraph(listed) == ENTRIES[name].help == _first_paragraph(load(name).help)


def test_the_root_help_page_imports_no_command() -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['saasctl', '--help']\n"
        "try:\n    runpy.run_module('saas_ctl', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print('LOADED', sorted(m for m in sys.modules if m in {sorted({e.module for e in ENTRIES.values()})!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "LOADED []"


def test_a_group_is_built_when_a_command_line_names_it(runner: CliRunner) -> None:
    result = runner.invoke(app, ["local", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "Usage: saasctl local" in result.output and "start" in result.output


@pytest.mark.parametrize(
    ("words", "expected"),
    [("saasctl ten", "tenant"), ("saasctl tenant mo", "move"), ("saasctl tenant move --c", "--cell")],
)
def test_shell_completion_reaches_into_groups_loaded_on_demand(words: str, expected: str, tmp_path: Path) -> None:
    env = {**os.environ, "_SAASCTL_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(words.count(" "))}
    as_installed = "import sys; sys.argv = ['saasctl']; from saas_ctl.cli.main import main; main()"
    found = subprocess.run([sys.executable, "-c", as_installed], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert found.stdout.split() == [expected]


# ---- --yes says what it does where it is ----------------------------------------------------------------------
def _yes_help(path: str) -> str:
    page = CliRunner().invoke(app, [*path.split(), "--help"], env={"COLUMNS": "400"}).stdout
    row = next(line for line in page.splitlines() if "-y" in line.split())  # the option's row in the table
    return " ".join(row.strip("│ ").split())


@pytest.mark.parametrize("path", ["platform up", "tenant up", "tenant add"])
def test_yes_of_a_deploy_says_nothing_is_asked_off_a_terminal(path: str) -> None:
    assert _yes_help(path).endswith(
        "At a terminal, deploy without showing the preview and asking. Off a terminal (CI) nothing is asked anyway."
    )


@pytest.mark.parametrize("path", ["platform destroy", "tenant destroy", "tenant move"])
def test_yes_of_what_destroys_or_moves_says_it_is_required_off_a_terminal(path: str) -> None:
    assert _yes_help(path).endswith(
        "Do not ask for confirmation. Required when stdin is not a terminal (CI): it is refused without."
    )


def test_yes_of_apply_says_only_prune_needs_it_off_a_terminal() -> None:
    assert _yes_help("apply").endswith(
        "At a terminal, go ahead without the preview and the questions. Off a terminal deploys are never asked "
        "about, but --prune (which destroys stacks) is refused without --yes."
    )


# ---- completion and "did you mean" ----------------------------------------------------------------------------
def _complete(words: str, cwd: Path, **env: str) -> list[str]:
    shell = {**os.environ, **env, "_SAASCTL_COMPLETE": "complete_bash", "COMP_WORDS": words}
    shell["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    as_installed = "import sys; sys.argv = ['saasctl']; from saas_ctl.cli.main import main; main()"
    found = subprocess.run([sys.executable, "-c", as_installed], env=shell, cwd=cwd, capture_output=True, text=True)
    return found.stdout.split()


@pytest.mark.parametrize(
    "command", ["up", "preview", "refresh", "destroy", "move", "remove", "show", "logs", "set", "suspend", "resume"]
)
def test_commands_that_name_declared_tenants_complete_their_names(command: str, tmp_path: Path) -> None:
    (tmp_path / "tenants.yaml").write_text(MINIMAL + "  - name: globex\n    priority: 11\n")
    assert _complete(f"saasctl tenant {command} ", tmp_path) == ["acme", "globex"]


@pytest.mark.parametrize("command", ["plan", "drift", "cost"])
def test_tenant_options_complete_the_files_tenant_names(command: str, tmp_path: Path) -> None:
    (tmp_path / "tenants.yaml").write_text(MINIMAL + "  - name: globex\n    priority: 11\n")
    assert _complete(f"saasctl {command} --tenant ", tmp_path) == ["acme", "globex"]


def test_tenant_names_complete_from_the_file_given_with_f_and_skip_those_already_named(tmp_path: Path) -> None:
    (tmp_path / "dev.yaml").write_text(
        MINIMAL + "  - name: globex\n    priority: 11\n  - name: gamma\n    priority: 12\n"
    )
    assert _complete("saasctl -f dev.yaml tenant up globex g", tmp_path) == ["gamma"]


def test_tenant_name_completion_offers_nothing_without_a_readable_file(tmp_path: Path) -> None:
    assert _complete("saasctl tenant show ", tmp_path) == []


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_the_script_of_the_shell_named(runner: CliRunner, shell: str) -> None:
    first_line = {"bash": "_saasctl_completion() {", "zsh": "#compdef saasctl", "fish": "complete --command saasctl"}
    result = runner.invoke(app, ["--show-completion", shell])
    assert result.exit_code == 0 and result.stdout.startswith(first_line[shell])


def test_show_completion_refuses_a_shell_it_does_not_complete(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--show-completion", "tcsh"], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "'tcsh' is not a shell saasctl completes; valid: bash, zsh, fish, powershell, pwsh" in result.stderr


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("tenants", "tenant"), ("platfrom", "platform"), ("tenant lst", "list"), ("tenant ls", "list")],
)
def test_an_unknown_command_suggests_the_one_meant(runner: CliRunner, typed: str, meant: str) -> None:
    result = runner.invoke(app, typed.split(), env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert f"No such command {typed.split()[-1]!r}. Did you mean {meant!r}?" in result.stderr


# ---- pages read at any width ----------------------------------------------------------------------------------
def _page(path: tuple[str, ...], columns: int) -> list[str]:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(columns)})
    return [line.rstrip() for line in result.stdout.splitlines()]


def test_a_docstring_paragraph_is_one_line_for_the_renderer_to_wrap(runner: CliRunner) -> None:
    page = _page(("tenant", "add"), 400)
    assert (
        " If the deploy fails the tenant stays in the file; `saasctl tenant up NAME` retries it. On a terminal it "
        "shows what the preview says will change and asks before writing the file; --yes skips the question, and off a "
        "terminal (CI) nothing is asked." in page
    )


def _examples_shown(page: list[str]) -> list[str]:
    """The examples of a page, continued lines joined back as a shell would."""
    start = page.index(" Examples:") + 1
    block = page[start : page.index("", start)]
    joined: list[str] = []
    for line in block:
        if joined and joined[-1].endswith(" \\"):
            joined[-1] = joined[-1][:-2] + " " + line.strip()
        else:
            joined.append(line.strip())
    return joined


@pytest.mark.parametrize("columns", [60, 80, 100])
@pytest.mark.parametrize("path", [p for p in PATHS if " ".join(p) in COMMANDS], ids=" ".join)
def test_examples_are_never_broken_in_the_middle_of_a_command(path: tuple[str, ...], columns: int) -> None:
    page = _page(path, columns)
    assert _examples_shown(page) == list(COMMANDS[" ".join(path)][0])
    assert all(len(line) <= columns for line in page)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "saasctl")
def test_a_page_has_one_list_of_examples(path: tuple[str, ...]) -> None:
    assert sum(1 for line in _page(path, 200) if line.strip().lower().startswith(("example:", "examples:"))) == 1
