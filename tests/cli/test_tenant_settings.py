"""`tenant set`, `tenant suspend`, `tenant resume` and `tenant add --tier` as edits of the file (--no-deploy), and
the tier and suspension in `tenant list` and `tenant show`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS, deployed_platform
from tests.spec.test_tiers import TIERED

COMMENTED = TIERED.replace("    tier: business\n", "    tier: business    # sold in March\n")


def test_set_writes_the_tenants_own_value_and_keeps_the_files_comments(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(COMMENTED)
    result = runner.invoke(app, ["tenant", "set", "acme", "--cpu", "2048", "--no-deploy", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tenant"]["cpu"] == 2048
    text = path.read_text()
    assert "    tier: business    # sold in March\n" in text
    assert "    cpu: 2048\n" in text


def test_set_tier_none_removes_the_tier(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(TIERED.replace("    memory: 4096\n", ""))
    result = runner.invoke(app, ["tenant", "set", "acme", "--tier", "none", "--no-deploy", "-f", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert (json.loads(result.stdout)["tenant"]["tier"], json.loads(result.stdout)["tenant"]["cpu"]) == (None, 256)
    assert "tier:" not in path.read_text().split("tenants:")[1]


def test_set_to_an_invalid_size_is_refused_and_leaves_the_file(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(TIERED)
    result = runner.invoke(app, ["tenant", "set", "acme", "--memory", "1000", "--no-deploy", "-f", str(path)])
    assert result.exit_code == 2
    assert "memory 1000 is not valid with cpu 1024 on Fargate" in result.stderr
    assert path.read_text() == TIERED


def test_set_of_an_unknown_tier_is_refused_with_the_files_tiers(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(TIERED)
    result = runner.invoke(app, ["tenant", "set", "acme", "--tier", "gold", "--no-deploy", "-f", str(path)])
    assert result.exit_code == 2
    assert "tier 'gold' is not one of the file's tiers; tiers: business" in result.stderr


def test_set_without_a_setting_is_a_usage_error(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    result = runner.invoke(app, ["tenant", "set", "acme", "--no-deploy", "-f", str(write_spec(TIERED))])
    assert result.exit_code == 2
    assert "name a setting to change" in result.stderr


def test_add_with_a_tier_declares_it(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(TIERED)
    result = runner.invoke(
        app, ["tenant", "add", "initech", "--tier", "business", "--no-deploy", "-f", str(path), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert (json.loads(result.stdout)["added"]["tier"], json.loads(result.stdout)["added"]["cpu"]) == (
        "business",
        1024,
    )


def test_suspend_writes_suspended_true_and_twice_changes_nothing(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(TIERED)
    first = runner.invoke(app, ["tenant", "suspend", "acme", "--no-deploy", "-f", str(path), "--json"])
    assert json.loads(first.stdout)["changed"] is True
    written = path.read_text()
    assert "    suspended: true\n" in written
    second = runner.invoke(app, ["tenant", "suspend", "acme", "--no-deploy", "-f", str(path), "--json"])
    assert (second.exit_code, json.loads(second.stdout)["changed"]) == (0, False)
    assert path.read_text() == written


def test_resume_removes_the_suspension(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(TIERED)
    runner.invoke(app, ["tenant", "suspend", "acme", "--no-deploy", "-f", str(path)])
    result = runner.invoke(app, ["tenant", "resume", "acme", "--no-deploy", "-f", str(path), "--json"])
    assert json.loads(result.stdout)["tenant"]["suspended"] is False
    assert path.read_text() == TIERED


def test_list_has_tier_and_suspended_columns(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(TIERED.replace("    tier: business\n", "    tier: business\n    suspended: true\n"))
    result = runner.invoke(app, ["tenant", "list", "--declared", "-f", str(path)])
    assert result.stdout.split("\t")[-2:] == ["business", "suspended\n"]


def test_show_names_the_source_of_each_setting(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(TIERED)
    result = runner.invoke(app, ["tenant", "show", "acme", "-f", str(path), "--json"], env={"SAASCTL_ENGINE": "synth"})
    view = json.loads(result.stdout)
    assert (view["settings"]["cpu"], view["sources"]["cpu"]) == (1024, "tier")
    assert (view["settings"]["memory"], view["sources"]["memory"]) == (4096, "tenant")
    assert (view["settings"]["image"], view["sources"]["image"]) == ("public.ecr.aws/nginx/nginx:stable", "defaults")
    text = runner.invoke(app, ["tenant", "show", "acme", "-f", str(path)], env={"SAASCTL_ENGINE": "synth"}).stdout
    assert "cpu: 1024 (tier business)" in text.splitlines()
    assert "memory: 4096 (tenant)" in text.splitlines()


# ---- with a deploy, through the in-memory engine plugged in via SAASCTL_ENGINE (offline: an empty user cache) --


def test_set_writes_then_deploys_the_tenant_and_says_the_monthly_difference(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    path = write_spec(MINIMAL)
    result = runner.invoke(
        app, ["tenant", "set", "acme", "--cpu", "512", "--memory", "1024", "-f", str(path), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    assert "acme" in engine.stacks[TENANTS]
    # 256/512 -> 512/1024 at 1 task: Fargate 7.39 + 1.62 -> 14.78 + 3.24 (tests/cost/test_cost_command.py)
    assert json.loads(result.stdout)["monthly_cost"]["difference"] == 9.01
    assert "monthly cost of tenant acme: $10.68 -> $19.69 (+$9.01)" in result.stderr


def test_add_says_what_the_new_tenant_adds_to_the_monthly_bill(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    result = runner.invoke(app, ["tenant", "add", "initech", "-f", str(write_spec(MINIMAL)), "--json"])
    cost = json.loads(result.stdout)["monthly_cost"]
    assert (cost["before"], cost["after"], cost["environment_difference"]) == (0.0, 10.68, 10.68)


def test_suspend_deploys_and_twice_writes_nothing(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(engine)
    path = write_spec(MINIMAL)
    runner.invoke(app, ["tenant", "up", "acme", "-f", str(path)])
    first = json.loads(runner.invoke(app, ["tenant", "suspend", "acme", "-f", str(path), "--json"]).stdout)
    assert (first["changed"], first["suspended"], first["monthly_cost"]["difference"]) == (True, "acme", -10.06)
    written = path.read_text()
    second = runner.invoke(app, ["tenant", "suspend", "acme", "-f", str(path), "--json"])
    assert (second.exit_code, json.loads(second.stdout)["changed"]) == (0, False)
    assert "tenant acme already is as asked" in second.stderr
    assert path.read_text() == written


def test_suspending_a_tenant_never_deployed_is_refused_before_anything_is_touched(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    # ECS refuses to create a service whose target group no listener rule forwards to: its rules answer the page.
    deployed_platform(engine)
    path = write_spec(MINIMAL)
    result = runner.invoke(app, ["tenant", "suspend", "acme", "--yes", "-f", str(path), "--json"])
    assert result.exit_code == 2
    assert [op for op, _ in engine.calls if op in ("up", "preview")] == []
    assert path.read_text() == MINIMAL
    assert json.loads(result.stdout)["error"] == (
        "tenant acme is declared suspended but was never deployed: ECS refuses to create a service whose target"
        " group no listener rule forwards to, and a suspended tenant's rules answer its page; nothing was changed"
    )
    assert json.loads(result.stdout)["hint"] == (
        f"deploy it first (remove `suspended: true`), then `saasctl tenant suspend acme -f {path}`"
    )


def test_apply_of_a_new_tenant_declared_suspended_is_refused_before_anything_is_touched(
    runner: CliRunner, engine: fakes.MemoryEngine, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(MINIMAL.replace("    priority: 10\n", "    priority: 10\n    suspended: true\n"))
    result = runner.invoke(app, ["apply", "--yes", "-f", str(path)])
    assert result.exit_code == 2
    assert [op for op, _ in engine.calls if op in ("up", "preview")] == []  # not even the platform
    assert "tenant acme is declared suspended but was never deployed" in result.stderr


# ---- apply converges to the file's suspension, asking only the stacks it runs whether they are suspended --------


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, offline: Path) -> fakes.RecordingEngine:
    """The in-memory engine keeping fingerprints as the Pulumi engine does, so that `apply` skips what is unchanged."""
    monkeypatch.setenv("SAASCTL_ENGINE", "tests.fakes:recording_engine")
    monkeypatch.chdir(tmp_path)
    return fakes.reset_recording_engine(tmp_path / "state")


def tenant_output_reads(engine: fakes.MemoryEngine) -> list[str]:
    return [label for op, label in engine.calls if op == "outputs" and label.startswith(TENANTS)]


def test_apply_after_a_hand_edited_suspension_runs_that_tenant_and_reads_no_other_stacks_outputs(
    runner: CliRunner, recorded: fakes.RecordingEngine, write_spec: Callable[[str], Path]
) -> None:
    deployed_platform(recorded)
    two = MINIMAL + "  - name: globex\n    priority: 11\n"
    path = write_spec(two)
    assert runner.invoke(app, ["apply", "--yes", "-f", str(path)]).exit_code == 0
    recorded.ran()
    path.write_text(two.replace("    priority: 10\n", "    priority: 10\n    suspended: true\n"))
    assert runner.invoke(app, ["apply", "--yes", "-f", str(path)]).exit_code == 0
    reads = tenant_output_reads(recorded)  # before ran(), which forgets the calls
    # acme's own outputs are read (is the suspended tenant deployed, in the file's cell and port?); globex's are not
    assert (recorded.ran(), reads) == ([f"{TENANTS}/acme"], [f"{TENANTS}/acme"])
    recorded.deploy(TENANTS, "acme", {"suspended": True})  # what the suspended stack's outputs say
    path.write_text(two)
    assert runner.invoke(app, ["apply", "--yes", "-f", str(path)]).exit_code == 0
    assert tenant_output_reads(recorded) == [f"{TENANTS}/acme"]  # asked whether it resumes; globex is unchanged
    assert recorded.ran() == [f"{TENANTS}/acme"]
