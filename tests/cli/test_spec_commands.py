"""`saasctl validate`, `schema`, `tenant list|add|remove` through the real Typer app."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saas_ctl.cli.main import app
from tests.conftest import EXAMPLE, MINIMAL


def test_validate_reports_success_on_stderr(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "-f", str(EXAMPLE)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"✓ {EXAMPLE} is valid: platform saas-dev in us-east-1, 2 tenant(s)\n"


def test_validate_json_prints_one_document(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "-f", str(EXAMPLE), "--json"])
    assert json.loads(result.stdout) == {"valid": True, "file": str(EXAMPLE), "tenants": 2}


def test_validate_lists_every_problem_and_exits_2(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL.replace("cpu: 256", "cpu: 300").replace("priority: 10", "priority: 0"))
    result = runner.invoke(app, ["validate", "-f", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: 2 problems in the tenants file\n"
        f"  {path}:9: defaults.cpu: cpu 300 is not a Fargate size; valid cpu values: 256, 512, 1024, 2048, 4096, "
        "8192, 16384\n"
        f"  {path}:13: tenants[0].priority: must be at least 1 (got 0)\n"
    )


def test_validate_json_error_is_one_document_on_stdout(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec("- not a mapping\n")
    result = runner.invoke(app, ["--json", "validate", "-f", str(path)])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "error": "1 problem in the tenants file",
        "issues": [
            {
                "file": str(path),
                "line": 1,
                "path": "",
                "message": "the top level must be a mapping with platform, defaults and tenants; got a list",
            }
        ],
    }


def test_missing_file_exits_2_with_a_hint(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "-f", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml: file not found; pass -f FILE or set SAASCTL_FILE" in result.stderr


def test_file_comes_from_saasctl_file_env(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    result = runner.invoke(app, ["validate", "--json"], env={"SAASCTL_FILE": str(path)})
    assert json.loads(result.stdout)["file"] == str(path)


def test_global_file_option_applies_to_subcommands(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    result = runner.invoke(app, ["-f", str(path), "--json", "tenant", "list"])
    assert [t["name"] for t in json.loads(result.stdout)["tenants"]] == ["acme"]


def test_schema_is_the_json_schema_of_the_model(runner: CliRunner) -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["title"] == "TenantsFile"
    assert schema["required"] == ["platform"]
    assert schema["$defs"]["Tenant"]["additionalProperties"] is False


def test_tenant_list_json_shows_effective_settings(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tenant", "list", "-f", str(EXAMPLE), "--json", "--declared"])
    globex = json.loads(result.stdout)["tenants"][1]
    assert globex == {
        "image": "public.ecr.aws/nginx/nginx:stable",
        "container_port": 80,
        "cpu": 256,
        "memory": 512,
        "desired_count": 1,
        "autoscaling": {"min": 1, "max": 4, "cpu_target": 60},
        "health_check_path": "/",
        "environment": {},
        "name": "globex",
        "hosts": ["globex.example.com"],
        "priority": 20,
        "cell": 1,
        "tags": {"cost-center": "platform"},
        "log_retention_days": 30,
        "tier": None,
        "suspended": False,
        "state": None,
    }


def test_tenant_list_table_names_every_tenant(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tenant", "list", "-f", str(EXAMPLE), "--declared"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "acme.example.com" in result.stdout
    assert "globex.example.com" in result.stdout


def test_tenant_add_that_cannot_deploy_refuses_before_editing_the_file(
    runner: CliRunner, write_spec: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("SAASCTL_ENGINE", raising=False)
    monkeypatch.chdir(tmp_path)
    path = write_spec(MINIMAL)
    result = runner.invoke(app, ["tenant", "add", "b", "-f", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: PULUMI_CONFIG_PASSPHRASE is not set; the local state backend encrypts stack secrets with it\n"
        "hint: export PULUMI_CONFIG_PASSPHRASE=... (keep it: the same passphrase is needed for every later run)\n"
    )
    assert path.read_text() == MINIMAL


def test_tenant_add_no_deploy_edits_the_file(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    result = runner.invoke(
        app, ["tenant", "add", "b", "--host", "b.example.org", "--no-deploy", "-f", str(path), "--json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["added"]["hosts"] == ["b.example.org"]
    assert path.read_text().endswith("  - name: b\n    hosts: [b.example.org]\n    priority: 1\n    cell: 1\n")


def test_tenant_add_with_an_invalid_name_exits_2_and_keeps_the_file(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(MINIMAL)
    result = runner.invoke(app, ["tenant", "add", "Bad_Name", "--no-deploy", "-f", str(path)])
    assert result.exit_code == 2
    assert "error: Bad_Name: a tenant name must be lowercase letters" in result.stderr
    assert path.read_text() == MINIMAL


def test_tenant_remove_no_deploy_edits_the_file(runner: CliRunner, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    result = runner.invoke(app, ["tenant", "remove", "acme", "--no-deploy", "-f", str(path)])
    assert result.exit_code == 0
    assert result.stderr == f"✓ removed tenant acme from {path}\n"


def test_version_flag(runner: CliRunner) -> None:
    assert runner.invoke(app, ["--version"]).stdout == "saasctl 0.1.0\n"


def _heavy_modules(argv: list[str]) -> list[str]:
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['saasctl', *{argv!r}]\n"
        "try:\n    runpy.run_module('saas_ctl', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi', 'pulumi_aws', 'boto3', 'pydantic'))\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    heavy: list[str] = eval(out.splitlines()[-1].removeprefix("HEAVY "))
    return heavy


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["validate", "-f", str(EXAMPLE)],
        ["tenant", "list", "-f", str(EXAMPLE)],
        ["tenant", "list", "-f", str(EXAMPLE), "--declared"],
    ],
)
def test_light_commands_import_neither_pulumi_nor_boto3(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a local state backend with nothing deployed
    monkeypatch.delenv("SAASCTL_ENGINE", raising=False)
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    assert [m for m in _heavy_modules(argv) if not m.startswith("pydantic")] == []


def test_help_does_not_even_load_the_spec_models() -> None:
    assert _heavy_modules(["--help"]) == []


def test_a_directory_given_as_the_file_is_one_json_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "-f", str(tmp_path), "--json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["issues"][0]["message"] == "is a directory; pass the tenants YAML file with -f FILE"


def test_an_edit_the_filesystem_refuses_is_one_line_and_leaves_the_file(
    runner: CliRunner, write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(MINIMAL)
    (path.parent / ".tenants.yaml.lock").mkdir()  # the lock cannot be opened
    result = runner.invoke(app, ["tenant", "add", "globex", "--no-deploy", "-f", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: could not edit {path}: Is a directory ({path.parent / '.tenants.yaml.lock'}); the file was left "
        "unchanged"
    ]
    assert path.read_text() == MINIMAL


def test_schema_accepts_json_like_every_command(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "TenantsFile"


@pytest.mark.parametrize("command", [[], ["tenant"], ["tenant", "show"], ["platform", "up"]])
def test_dash_h_is_help(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "-h"])
    assert result.exit_code == 0
    assert "Usage: saasctl" in result.stdout
