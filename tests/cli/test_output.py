"""Human output shows user and AWS text as it is, and piped output is one record per line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.cli.output import Output
from tests import fakes
from tests.conftest import MINIMAL, REPO, fleet_yaml
from tests.fakes import deployed_platform

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-0-AbCdEf"


def test_a_secrets_manager_arn_prints_intact_not_as_an_emoji(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["platform", "outputs", "-f", str(write_spec(MINIMAL))])
    assert f"database_master_secret_arn: {SECRET_ARN}\n" in result.stdout
    assert "㊙" not in result.stdout


def test_warnings_and_errors_keep_brackets_and_colons_of_user_text(capsys: pytest.CaptureFixture[str]) -> None:
    Output(json_mode=False).warn(f"kept {SECRET_ARN} [bold]not markup[/bold] :smile:")
    assert capsys.readouterr().err == f"warning: kept {SECRET_ARN} [bold]not markup[/bold] :smile:\n"


def test_tenant_list_piped_prints_one_line_per_tenant(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(fleet_yaml(25, defaults="image: public.ecr.aws/a/very/long/repository/name/for/wrapping:tag"))
    lines = runner.invoke(app, ["tenant", "list", "--declared", "-f", str(path)], env={"COLUMNS": "40"}).stdout
    assert len(lines.splitlines()) == 25
    # the image column whole, never wrapped (the tier and suspended columns follow it)
    assert {line.split("\t")[9] for line in lines.splitlines()} == {
        "public.ecr.aws/a/very/long/repository/name/for/wrapping:tag"
    }


def test_exit_codes_are_set_in_one_place_only() -> None:
    # typer.Exit (the process's exit code) is raised by output.reporting alone, and by --version, which ends
    # before any command runs; the rest of the CLI raises ExitStatus or a SaasctlError for it to turn.
    raising = sorted(
        f"{path.name}:{number}"
        for path in (REPO / "saas_ctl").rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "raise typer.Exit" in line
    )
    assert [entry.split(":")[0] for entry in raising] == ["main.py", "output.py", "output.py", "output.py"]


def test_a_result_is_the_document_under_json_and_the_text_otherwise(capsys: pytest.CaptureFixture[str]) -> None:
    Output(json_mode=True).result({"valid": True}, lambda: print("never"))
    Output(json_mode=False).result({"valid": True}, lambda: print("in words"))
    assert capsys.readouterr().out == '{\n  "valid": true\n}\nin words\n'
