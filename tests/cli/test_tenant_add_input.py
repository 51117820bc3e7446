"""`tenant add` says a problem of the values it was given at the flag or argument typed, not at a line of a file
it never wrote, and names the file as the user did."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from tests.conftest import MINIMAL


@pytest.fixture
def here(write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_spec(MINIMAL)
    monkeypatch.chdir(path.parent)
    return path


def add(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["tenant", "add", *args, "--no-deploy"])
    return result.exit_code, result.stderr


def test_a_memory_that_does_not_fit_the_cpu_is_said_at_the_memory_flag(runner: CliRunner, here: Path) -> None:
    assert add(runner, "foo", "--memory", "1000") == (
        2,
        "error: --memory 1000: memory 1000 is not valid with cpu 256 on Fargate; valid: 512, 1024, 2048; "
        "the nearest is 1024\nhint: tenants.yaml was left unchanged\n",
    )


def test_a_cpu_that_the_default_memory_does_not_fit_is_said_at_the_cpu_flag(runner: CliRunner, here: Path) -> None:
    code, stderr = add(runner, "foo", "--cpu", "4096")
    assert (code, stderr.splitlines()[0]) == (
        2,
        "error: --cpu 4096: memory 512 is not valid with cpu 4096 on Fargate; valid: 8192-30720 in steps of 1024; "
        "the nearest is 8192",
    )


def test_a_bad_name_is_said_at_the_name_typed_without_repeating_it(runner: CliRunner, here: Path) -> None:
    code, stderr = add(runner, "Foo_x")
    assert (code, stderr.splitlines()[0]) == (
        2,
        "error: Foo_x: a tenant name must be lowercase letters, digits and hyphens, start with a letter and not "
        "end with a hyphen",
    )


def test_each_host_is_said_at_its_own_host_flag_quoted_as_a_shell_would_need(runner: CliRunner, here: Path) -> None:
    code, stderr = add(runner, "foo", "--host", "ok.example.com", "--host", "acme.example.com")
    assert (code, stderr.splitlines()[0]) == (
        2,
        "error: --host acme.example.com: host 'acme.example.com' is already routed to tenant 'acme'",
    )
    code, stderr = add(runner, "foo", "--host", "BAD HOST")
    assert stderr.startswith("error: --host 'BAD HOST': a host must be a DNS name like app.example.com")


def test_several_problems_are_listed_one_per_flag(runner: CliRunner, here: Path) -> None:
    code, stderr = add(runner, "Foo_x", "--image", "bad image")
    assert code == 2
    assert stderr.splitlines()[:3] == [
        "error: 2 problems with the values given",
        "  Foo_x: a tenant name must be lowercase letters, digits and hyphens, start with a letter and not end "
        "with a hyphen",
        "  --image 'bad image': an image reference may contain only letters, digits and - _ : . / # @ (no spaces), "
        "e.g. public.ecr.aws/nginx/nginx:stable",
    ]


def test_json_lists_each_problem_with_what_was_given(runner: CliRunner, here: Path) -> None:
    result = runner.invoke(app, ["--json", "tenant", "add", "foo", "--memory", "1000", "--no-deploy"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["issues"] == [
        {
            "given": "--memory 1000",
            "message": "memory 1000 is not valid with cpu 256 on Fargate; valid: 512, 1024, 2048; the nearest is 1024",
        }
    ]


def test_the_file_is_left_as_it_was(runner: CliRunner, here: Path) -> None:
    add(runner, "foo", "--memory", "1000")
    assert here.read_text() == MINIMAL


def test_a_file_named_with_a_relative_path_is_named_so(runner: CliRunner, here: Path) -> None:
    (here.parent / "envs").mkdir()
    (here.parent / "envs" / "dev.yaml").write_text(MINIMAL)
    result = runner.invoke(app, ["tenant", "add", "acme", "-f", "envs/dev.yaml", "--no-deploy"])
    assert result.stderr.splitlines()[0] == "error: tenant 'acme' is already declared in envs/dev.yaml"


def test_a_missing_file_is_named_relative_to_the_working_directory(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "envs").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["tenant", "add", "foo", "-f", str(tmp_path / "envs" / "dev.yaml"), "--no-deploy"])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (2, "error: envs/dev.yaml does not exist")


# ---- tenant set: the same, at its own flags ---------------------------------------------------------------------
def set_(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["tenant", "set", *args, "--no-deploy"])
    return result.exit_code, result.stderr.splitlines()[0]


def test_tenant_set_says_a_memory_that_does_not_fit_at_its_flag(runner: CliRunner, here: Path) -> None:
    assert set_(runner, "acme", "--memory", "1000") == (
        2,
        "error: --memory 1000: memory 1000 is not valid with cpu 256 on Fargate; valid: 512, 1024, 2048; "
        "the nearest is 1024",
    )


def test_tenant_set_says_an_unknown_tier_at_its_flag(runner: CliRunner, here: Path) -> None:
    code, first = set_(runner, "acme", "--tier", "gold")
    assert (code, first.split(": ")[:2]) == (2, ["error", "--tier gold"])


def test_tenant_set_says_a_rule_over_min_and_max_at_both_flags(runner: CliRunner, here: Path) -> None:
    code, first = set_(runner, "acme", "--min", "9", "--max", "2")
    assert (code, first.split(": ")[:2]) == (2, ["error", "--min 9 --max 2"])
