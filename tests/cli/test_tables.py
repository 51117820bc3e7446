"""Tables at a terminal fit its width like gh's: cells cut with an ellipsis, the widest first, the last columns
left out when they cannot all be read, never a word wrapped onto a second line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.cli.output import Output
from saas_ctl.cli.tables import widths
from tests.conftest import fleet_yaml

COLUMNS = ["name", "hosts", "cpu"]
ROWS = [["acme", "acme.example.com", "512"], ["globex", "globex.example.com", "256"]]


def test_columns_that_fit_keep_their_natural_widths() -> None:
    assert widths(COLUMNS, ROWS, 80) == {0: 6, 1: 18, 2: 3}


def test_the_widest_column_gives_up_room_first() -> None:
    # 1 + 3 * 3 borders: 10; name 6 and cpu 3 whole leave hosts 14 of its 18
    assert widths(COLUMNS, ROWS, 33) == {0: 6, 1: 14, 2: 3}


def test_the_last_columns_are_left_out_when_they_cannot_have_their_least_width() -> None:
    assert widths(COLUMNS, ROWS, 21) == {0: 6, 1: 8}  # cpu would need 6 more


def test_the_first_column_and_headers_are_never_cut() -> None:
    assert widths(["tenant", "image"], [["a-very-long-tenant-name", "x" * 50]], 40) == {0: 23, 1: 10}


@pytest.mark.parametrize("columns", [80, 100])
def test_tenant_list_at_a_narrow_terminal_has_one_line_per_tenant_within_its_width(
    runner: CliRunner, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setattr(Output, "stdout_is_terminal", staticmethod(lambda: True))
    path = write_spec(fleet_yaml(3, defaults="image: public.ecr.aws/a/very/long/repository/name/for/wrapping:tag"))
    result = runner.invoke(app, ["tenant", "list", "--declared", "-f", str(path)], env={"COLUMNS": str(columns)})
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert all(len(line) <= columns for line in lines)
    assert len([line for line in lines if line.startswith("│")]) == 3  # one row a tenant: nothing wrapped


def test_tenant_list_says_which_columns_it_left_out(
    runner: CliRunner, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Output, "stdout_is_terminal", staticmethod(lambda: True))
    path = write_spec(fleet_yaml(3))
    result = runner.invoke(app, ["tenant", "list", "--declared", "-f", str(path)], env={"COLUMNS": "80"})
    caption = result.stdout.split("┘\n", 1)[1].split()
    assert " ".join(caption) == (
        "left out for the terminal's width: scaling, image, tier, suspended (--json shows them)"
    )
