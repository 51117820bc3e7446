"""`apply` runs only the stacks whose fingerprint changed since their last successful up: a changed default, a
changed tenant, a changed platform output a tenant consumes, a new pulumi-aws version and a failed previous up
each run exactly the right stacks; the others end `unchanged`, counted apart. `--all` runs every stack,
`tenant up` always runs, `apply --dry-run` says what it would skip and why. The real app, the in-memory engine
keeping its records in a file backend's directory as the Pulumi engine does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from saas_ctl.stacks import fingerprint
from tests import fakes
from tests.conftest import MINIMAL
from tests.fakes import TENANTS

PLATFORM = "saas-platform/dev"
SPEC = (
    MINIMAL
    + """\
  - name: globex
    priority: 20
    memory: 1024
  - name: initech
    priority: 30
"""
)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, offline: Path) -> fakes.RecordingEngine:
    monkeypatch.setenv("SAASCTL_ENGINE", "tests.fakes:recording_engine")
    monkeypatch.chdir(tmp_path)
    return fakes.reset_recording_engine(tmp_path / "state")


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "tenants.yaml"
    path.write_text(SPEC)
    return path


@pytest.fixture
def converged(runner: CliRunner, engine: fakes.RecordingEngine, spec: Path) -> fakes.RecordingEngine:
    """Everything deployed once by `apply`: every stack has its record. (The platform is there first: the
    in-memory engine answers a platform up with fixed outputs, not the generation the program was given.)"""
    fakes.deployed_platform(engine)
    result = runner.invoke(app, ["apply", "--yes", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    engine.ran()
    return engine


def apply(runner: CliRunner, spec: Path, *flags: str) -> dict:
    result = runner.invoke(app, ["apply", "--yes", "--json", "-f", str(spec), *flags])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def reason_of(document: dict, stack: str) -> str:
    return str(next(r["reason"] for r in document["results"] if r["stack"] == stack))


def statuses(document: dict) -> dict[str, str]:
    return {f"{r['project']}/{r['stack']}": r["status"] for r in document["results"]}


def test_an_unchanged_fleet_runs_no_stack_and_every_stack_says_unchanged(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path
) -> None:
    document = apply(runner, spec)
    assert converged.ran() == []
    assert set(statuses(document).values()) == {"unchanged"}
    assert document["summary"] == {"succeeded": 0, "failed": 0, "cancelled": 0, "unchanged": 4}


def test_unchanged_is_counted_apart_from_succeeded_in_the_text_summary(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path
) -> None:
    spec.write_text(SPEC.replace("priority: 30", "priority: 31"))
    result = runner.invoke(app, ["apply", "--yes", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert "1 succeeded, 3 unchanged\n" in result.stderr


def test_a_changed_tenant_runs_only_that_tenant(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path
) -> None:
    spec.write_text(SPEC.replace("memory: 1024", "memory: 2048"))
    document = apply(runner, spec)
    assert converged.ran() == [f"{TENANTS}/globex"]
    assert statuses(document)[f"{TENANTS}/globex"] == "succeeded"
    assert statuses(document)[f"{TENANTS}/acme"] == "unchanged"
    reason = reason_of(document, "globex")
    assert reason == "its settings in the tenants file (defaults applied) changed"


def test_a_changed_default_runs_the_tenants_that_take_it_and_not_the_one_that_overrides_it(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path
) -> None:
    spec.write_text(SPEC.replace("  memory: 512", "  memory: 2048"))
    apply(runner, spec)
    assert sorted(converged.ran()) == [f"{TENANTS}/acme", f"{TENANTS}/initech"]


def test_a_changed_platform_output_that_tenants_consume_runs_every_tenant(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path
) -> None:
    converged.stacks["saas-platform"]["dev"]["database_endpoint"] = "moved.cluster-0.us-east-1.rds.amazonaws.com"
    document = apply(runner, spec)
    assert sorted(converged.ran()) == [f"{TENANTS}/acme", f"{TENANTS}/globex", f"{TENANTS}/initech"]
    reason = reason_of(document, "acme")
    assert reason == "the platform outputs it consumes changed"


def test_a_platform_output_no_tenant_consumes_runs_no_tenant(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path
) -> None:
    converged.stacks["saas-platform"]["dev"]["deletion_protection"] = True
    apply(runner, spec)
    assert converged.ran() == []


def test_a_new_pulumi_aws_version_runs_every_stack(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = {**fingerprint.tool_versions(), "pulumi-aws": "99.0.0"}
    monkeypatch.setattr(fingerprint, "tool_versions", lambda: versions)
    document = apply(runner, spec)
    assert sorted(converged.ran()) == [f"{TENANTS}/acme", f"{TENANTS}/globex", f"{TENANTS}/initech", PLATFORM]
    was = pulumi_aws_version()
    reason = reason_of(document, "acme")
    assert reason == f"pulumi-aws {was} -> 99.0.0"


def pulumi_aws_version() -> str:
    from importlib.metadata import version

    return version("pulumi_aws")


def test_a_tenant_whose_last_up_failed_runs_again_and_only_it(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path
) -> None:
    spec.write_text(SPEC.replace("priority: 30", "priority: 31"))
    converged.failures[("up", f"{TENANTS}/initech")] = "the provider failed"
    failed = runner.invoke(app, ["apply", "--yes", "-f", str(spec)])
    assert failed.exit_code == 1
    converged.failures.clear()
    spec.write_text(SPEC)  # even back to what its record said: the failed up may have changed it
    converged.ran()
    document = apply(runner, spec)
    assert converged.ran() == [f"{TENANTS}/initech"]
    reason = reason_of(document, "initech")
    assert reason.startswith("no fingerprint recorded: its last up failed")


def test_all_runs_every_stack(runner: CliRunner, converged: fakes.RecordingEngine, spec: Path) -> None:
    document = apply(runner, spec, "--all")
    assert sorted(converged.ran()) == [f"{TENANTS}/acme", f"{TENANTS}/globex", f"{TENANTS}/initech", PLATFORM]
    assert set(statuses(document).values()) == {"succeeded"}


def test_tenant_up_runs_even_when_nothing_changed(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path
) -> None:
    result = runner.invoke(app, ["tenant", "up", "acme", "--yes", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert converged.ran() == [f"{TENANTS}/acme"]


def test_dry_run_says_which_stacks_it_would_skip_and_why_and_previews_only_the_others(
    runner: CliRunner, converged: fakes.RecordingEngine, spec: Path
) -> None:
    spec.write_text(SPEC.replace("memory: 1024", "memory: 2048"))
    result = runner.invoke(app, ["apply", "--dry-run", "-f", str(spec)])
    assert result.exit_code == 0, result.stderr
    assert converged.ran("preview") == [f"{TENANTS}/globex"]
    assert "globex: would be deployed: its settings in the tenants file (defaults applied) changed\n" in result.stderr
    assert "acme: would be skipped: unchanged since its last successful up (" in result.stderr
    assert "saas-platform/dev: would be skipped: unchanged since its last successful up (" in result.stderr
