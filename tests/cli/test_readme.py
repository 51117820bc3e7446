"""README.md says what `--help` says: its command table lists every command with exactly the options its help
page has, its examples are the ones each help page ends with, and its environment table is the one help uses.
"""

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from saas_ctl.cli.help_text import ENVIRONMENT
from saas_ctl.cli.main import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
ROOT = typer.main.get_command(app)


def _commands(command: Any = ROOT, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    if hasattr(command, "list_commands"):
        default = getattr(command, "default", None)  # a group that is a command too: `release IMAGE`
        if default is not None:
            yield " ".join(path), default
        context = command.make_context("saasctl", [], resilient_parsing=True)
        for name in command.list_commands(context):
            yield from _commands(command.resolve_command(context, [name])[1], (*path, name))
    else:
        yield " ".join(path), command


COMMANDS = dict(_commands())


def synopsis(path: str, command: Any) -> str:
    """`saasctl <path>` and every argument and option of the command, as its help page names them."""
    words = ["saasctl", path]
    for param in command.params:
        if "--help" in param.opts:
            continue
        if param.param_type_name == "argument":
            name = param.metavar or param.name.upper()
            words.append(name if param.required else f"[{name}]" if param.nargs == 1 else f"[{name} ...]")
            continue
        names = "/".join(sorted(param.opts, key=len))
        value = "" if param.is_flag else f" {param.metavar}" + (" ..." if param.multiple else "")
        words.append(f"{names}{value}" if param.required else f"[{names}{value}]")
    return " ".join(words)


def _section(title: str) -> str:
    start = README.index(f"\n{title}\n")
    following = re.search(r"\n##+ ", README[start + len(title) + 2 :])
    return README[start : start + len(title) + 2 + (following.start() if following else len(README))]


def _table_first_cells(section: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^\| `(.+?)` \|", section, re.MULTILINE)]


def _help_page(path: str) -> str:
    result = CliRunner().invoke(app, [*path.split(), "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


def _help_examples(path: str) -> list[str]:
    lines = [line.strip() for line in _help_page(path).splitlines()]
    start = lines.index("Examples:") + 1
    return lines[start : lines.index("", start)]


def _help_environment(path: str) -> list[str]:
    line = next(line.strip() for line in _help_page(path).splitlines() if line.strip().startswith("Environment: "))
    listed = line.removeprefix("Environment: ")
    return [] if listed == "none read" else listed.split(", ")


def _readme_examples() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in _section("### Examples").splitlines():
        if line.startswith("saasctl "):
            words = line.split()
            path = next(" ".join(words[1:n]) for n in (3, 2) if " ".join(words[1:n]) in COMMANDS)
            found.setdefault(path, []).append(line.strip())
    return found


def test_the_command_table_lists_every_command_with_the_options_of_its_help_page() -> None:
    listed = _table_first_cells(_section("## Commands"))
    assert sorted(listed) == sorted(synopsis(path, command) for path, command in COMMANDS.items())


def test_synopses_name_options_as_help_pages_do() -> None:  # the comparison above is only as good as this
    assert synopsis("tenant add", COMMANDS["tenant add"]).startswith("saasctl tenant add NAME [--host HOST ...] ")
    assert "[-p/--parallel N]" in synopsis("apply", COMMANDS["apply"])
    assert "--cell N [--no-deploy]" in synopsis("tenant move", COMMANDS["tenant move"])
    page = _help_page("apply")
    assert all(name in page for name in ("--platform-wait", "SECONDS", "--shard", "K/N"))


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_a_commands_readme_examples_are_the_ones_its_help_page_ends_with(path: str) -> None:
    assert _help_examples(path), f"{path} --help shows no example"
    assert _readme_examples().get(path) == _help_examples(path)


@pytest.mark.parametrize("path", ["", "platform", "tenant", "local"], ids=lambda p: p or "saasctl")
def test_the_root_and_group_pages_show_examples_from_the_readme(path: str) -> None:
    shown = _help_examples(path)
    listed = [example for examples in _readme_examples().values() for example in examples]
    assert shown and set(shown) <= set(listed)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_example_parses_as_the_command_it_illustrates(path: str) -> None:
    for example in _help_examples(path):
        words = shlex.split(example)
        assert words[: len(path.split()) + 1] == ["saasctl", *path.split()], example
        COMMANDS[path].make_context(path, words[len(path.split()) + 1 :])  # raises on an unknown or bad option


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_a_help_page_names_only_environment_variables_the_readme_explains(path: str) -> None:
    assert set(_help_environment(path)) <= set(ENVIRONMENT)


def test_the_readme_explains_each_environment_variable_as_help_does() -> None:
    rows = re.findall(r"^\| `([A-Z_]+)` \| (.+?) \|$", _section("### Environment variables"), re.MULTILINE)
    assert dict(rows) == ENVIRONMENT


def test_an_option_read_from_the_environment_says_so_on_its_help_page() -> None:
    page = _help_page("apply")
    assert "[env var: PULUMI_BACKEND_URL]" in page and "[env var: SAASCTL_FILE]" in page


# ---- the quick start stays runnable -----------------------------------------------------------------------------
def _quick_start_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", _section("## Quick start"), re.S)
    assert block is not None, "README's quick start has no bash block"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_the_quick_start_is_two_commands_and_the_second_is_what_ci_runs() -> None:
    first, second = _quick_start_commands()
    assert first.startswith("python3 -m venv .venv && .venv/bin/pip install -q -e . && ")
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text().splitlines()
    assert second in ci


def test_the_quick_starts_saasctl_commands_succeed_on_the_bundled_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tenants.yaml").write_text((Path(__file__).resolve().parents[2] / "tenants.yaml").read_text())
    first = _quick_start_commands()[0]
    steps = [step.strip() for step in first.split("&&") if step.strip().startswith(".venv/bin/saasctl ")]
    assert [shlex.split(step)[1] for step in steps] == ["validate", "plan"]
    for step in steps:
        result = CliRunner().invoke(app, shlex.split(step)[1:])
        assert result.exit_code == 0, f"{step}: {result.output}"


def test_quick_start_step_2_says_how_to_include_the_real_engine_tests() -> None:
    quick = _section("## Quick start").split("### ")[0]
    assert "SAASCTL_TEST_PULUMI" in quick and "scripts/build-pulumi" in quick


# ---- the order a newcomer reads in ------------------------------------------------------------------------------
def test_the_readme_reads_in_a_newcomers_order() -> None:
    assert re.findall(r"^## (.+)$", README, re.MULTILINE) == [
        "What it is",
        "Quick start",
        "Deploy to your AWS account",
        "What a tenant gets",
        "Day 2",
        "tenants.yaml reference",
        "Commands",
    ]


def test_architecture_the_engine_protocol_testing_and_development_are_in_contributing_linked_from_the_readme() -> None:
    contributing = (Path(__file__).resolve().parents[2] / "CONTRIBUTING.md").read_text()
    assert re.findall(r"^## (.+)$", contributing, re.MULTILINE) == [
        "Architecture",
        "The engine protocol",
        "Testing",
        "Development",
    ]
    assert "](CONTRIBUTING.md)" in _section("## What it is")


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md"])
def test_every_link_within_a_page_names_one_of_its_headings(name: str) -> None:
    page = (Path(__file__).resolve().parents[2] / name).read_text()
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
        for title in re.findall(r"^#{1,4} (.+)$", page, re.MULTILINE)
    }
    assert {link for link in re.findall(r"\]\(#([^)]+)\)", page) if link not in anchors} == set()
