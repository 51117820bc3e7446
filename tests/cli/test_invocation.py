"""Every command saasctl suggests (a retry, a hint) repeats -f, --local and --backend as the command line gave
them, each where the suggested command takes it: the rule on its own, then each hint and retry the commands
produce under --local and under --backend (the in-memory engine; --local against a registered emulator)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.aws import emulator
from saas_ctl.cli.invocation import Invocation
from saas_ctl.cli.main import app
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS, deployed_platform

LOCAL = Invocation("work/tenants.yaml", local=True)
BACKEND = Invocation("work/tenants.yaml", backend="s3://acme-state/saasctl")


# ---- the rule -------------------------------------------------------------------------------------------------
def test_a_suggested_command_gets_the_file_and_local_it_takes() -> None:
    assert LOCAL.command("saasctl tenant up acme") == "saasctl tenant up acme -f work/tenants.yaml --local"


def test_a_backend_is_repeated_with_the_command_that_takes_it() -> None:
    assert BACKEND.command("saasctl platform destroy") == (
        "saasctl platform destroy -f work/tenants.yaml --backend s3://acme-state/saasctl"
    )


def test_a_flag_the_suggested_command_does_not_take_is_left_out() -> None:
    both = Invocation("work/tenants.yaml", local=True, backend="s3://b")
    assert both.command("saasctl tenant logs acme") == "saasctl tenant logs acme -f work/tenants.yaml --local"
    assert both.command("saasctl validate") == "saasctl validate -f work/tenants.yaml"
    assert both.command("saasctl preflight --live") == "saasctl preflight --live -f work/tenants.yaml --local"
    assert both.command("saasctl local start") == "saasctl local start"


def test_a_flag_the_suggestion_gives_already_is_not_repeated() -> None:
    assert (
        LOCAL.command("saasctl tenant up acme -f other.yaml --local") == "saasctl tenant up acme -f other.yaml --local"
    )


def test_the_default_file_is_not_named_and_an_odd_path_is_quoted() -> None:
    assert Invocation(None, local=True).command("saasctl platform up") == "saasctl platform up --local"
    assert Invocation("my tenants.yaml").command("saasctl apply") == "saasctl apply -f 'my tenants.yaml'"


def test_every_backticked_command_of_a_text_is_completed_and_nothing_else() -> None:
    text = "run `saasctl platform up` (or `saasctl apply`) first; saasctl tenant up is prose"
    assert LOCAL.carry(text) == (
        "run `saasctl platform up -f work/tenants.yaml --local` (or `saasctl apply -f work/tenants.yaml --local`) "
        "first; saasctl tenant up is prose"
    )


def test_a_json_document_has_every_suggested_command_completed() -> None:
    document = {"error": "x", "hint": "run `saasctl platform up`", "issues": [{"hint": "`saasctl apply`"}]}
    assert LOCAL.carry_all(document) == {
        "error": "x",
        "hint": "run `saasctl platform up -f work/tenants.yaml --local`",
        "issues": [{"hint": "`saasctl apply -f work/tenants.yaml --local`"}],
    }


# ---- what the commands print ------------------------------------------------------------------------------------
@pytest.fixture
def spec(engine: fakes.MemoryEngine, tmp_path: Path) -> str:
    """tenants.yaml in ./work, named relative to the working directory as a person would type it."""
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "tenants.yaml").write_text(MINIMAL)
    return "work/tenants.yaml"


@pytest.fixture(params=["--local", "--backend"])
def flags(request: pytest.FixtureRequest, tmp_path: Path, moto_url: str) -> list[str]:
    """--local, with the test's moto server registered as the emulator `saasctl local start` would have left
    running; or --backend naming a state backend."""
    if request.param == "--local":
        port = int(moto_url.rsplit(":", 1)[1])
        state = emulator.state_file(tmp_path)
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps({"pid": os.getpid(), "port": port}))  # alive as long as this test runs
        return ["--local"]
    return ["--backend", f"file://{tmp_path}/state"]


def test_the_retry_of_a_failed_deploy_keeps_the_flags(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: str, flags: list[str]
) -> None:
    deployed_platform(engine)
    engine.failures[("up", f"{TENANTS}/acme")] = "AccessDenied"
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", spec, "--skip-preflight", *flags])
    assert result.exit_code == 1
    retry = " ".join(["saasctl tenant up acme -f work/tenants.yaml", *flags])
    assert f"retry the failed ones: {retry}\n" in result.stderr
    document = runner.invoke(app, ["tenant", "up", "acme", "-f", spec, "--skip-preflight", "--json", *flags])
    assert json.loads(document.stdout)["retry"] == retry


def test_the_retry_after_tenant_add_keeps_the_flags(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: str, flags: list[str]
) -> None:
    deployed_platform(engine)
    engine.failures[("up", f"{TENANTS}/initech")] = "AccessDenied"
    result = runner.invoke(app, ["tenant", "add", "initech", "-f", spec, "--skip-preflight", *flags])
    assert result.exit_code == 1
    assert " ".join(["retry the failed ones: saasctl tenant up initech -f work/tenants.yaml", *flags]) in (
        result.stderr
    )


def test_the_hint_to_deploy_the_platform_first_keeps_the_flags(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: str, flags: list[str]
) -> None:
    result = runner.invoke(app, ["tenant", "up", "acme", "-f", spec, *flags])
    assert result.exit_code == 2
    command = " ".join(["saasctl platform up -f work/tenants.yaml", *flags])
    assert result.stderr.endswith(f"hint: run `{command}` first\n")


def test_the_hint_to_destroy_the_tenants_first_keeps_the_flags(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: str, flags: list[str]
) -> None:
    deployed_platform(engine)
    engine.deploy(TENANTS, "acme")
    result = runner.invoke(app, ["platform", "destroy", "-f", spec, "--yes", "--json", *flags])
    assert result.exit_code == 2
    command = " ".join(["saasctl tenant destroy acme -f work/tenants.yaml", *flags])
    # (then where the tenants' databases go: tests/cli/test_lifecycle.py)
    assert json.loads(result.stdout)["hint"].startswith(f"destroy the tenants first: `{command}`. ")


def test_the_hint_for_a_tenant_declared_already_keeps_the_flags(
    runner: CliRunner, engine: fakes.MemoryEngine, spec: str, flags: list[str]
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["tenant", "add", "acme", "-f", spec, *flags])
    assert result.exit_code == 2
    command = " ".join(["saasctl tenant up acme -f work/tenants.yaml", *flags])
    assert result.stderr.endswith(f"hint: `{command}` deploys it as declared\n")
