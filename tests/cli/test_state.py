"""The state commands and what the CLI says about where state lives."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from tests.conftest import MINIMAL

ONLY_COPY = "the only copy of this environment's state is on this machine"


@pytest.fixture
def pulumi_without_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, offline: Path) -> Path:
    """The Pulumi engine on a machine with neither its CLI nor a passphrase: commands stop before any operation."""
    monkeypatch.setenv("SAASCTL_ENGINE", "pulumi")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("SAASCTL_PULUMI_ROOT", str(tmp_path / "none"))
    for variable in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tenants.yaml").write_text(MINIMAL)
    return tmp_path


def test_a_deploy_the_engine_cannot_run_says_only_why(runner: CliRunner, pulumi_without_cli: Path) -> None:
    result = runner.invoke(app, ["apply", "--yes"])
    assert (result.exit_code, ONLY_COPY in result.stderr) == (2, False)
    assert result.stderr.startswith("error: PULUMI_CONFIG_PASSPHRASE is not set")


def test_a_dry_run_does_not_warn_about_the_state(runner: CliRunner, pulumi_without_cli: Path) -> None:
    assert ONLY_COPY not in runner.invoke(app, ["apply", "--dry-run"]).stderr
