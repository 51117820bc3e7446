"""The example GitHub Actions workflow (examples/github-actions/saasctl.yml): actionlint finds nothing in it, and
every saasctl command it runs parses as that command with this build's options.

actionlint is built from the Go module proxy by scripts/build-actionlint (CI does, where Go is present); without
it the lint is skipped, saying why.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from saas_ctl.cli.main import app
from tests.conftest import REPO

WORKFLOW = REPO / "examples" / "github-actions" / "saasctl.yml"
ACTIONLINT_VERSION = "1.7.12"  # the version scripts/build-actionlint builds


def find_actionlint() -> str | None:
    """`SAASCTL_TEST_ACTIONLINT`, else the binary scripts/build-actionlint cached, else `actionlint` on PATH."""
    explicit = os.environ.get("SAASCTL_TEST_ACTIONLINT")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    built = Path(os.environ.get("SAASCTL_ACTIONLINT_CACHE") or cache / "saasctl" / "actionlint")
    binary = built / f"v{ACTIONLINT_VERSION}" / "bin" / "actionlint"
    return str(binary) if binary.exists() else shutil.which("actionlint")


ACTIONLINT = find_actionlint()


@pytest.mark.skipif(
    ACTIONLINT is None,
    reason="no actionlint: `scripts/build-actionlint` builds it where `go` is present (CI does), or put it on PATH",
)
def test_the_example_workflow_passes_actionlint() -> None:
    assert ACTIONLINT is not None
    checked = subprocess.run([ACTIONLINT, "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return document


def saasctl_commands() -> list[list[str]]:
    """Every saasctl command line of the workflow's run steps, up to a redirection, expressions filled in."""
    found = []
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                for part in re.split(r"&&|;", line):
                    words = shlex.split(re.sub(r"\$\{\{ matrix\.shard \}\}", "1", part))
                    words = words[: next((i for i, w in enumerate(words) if w in (">", "2>")), len(words))]
                    if words[:1] == ["saasctl"]:
                        found.append(words[1:])
    return found


def test_every_saasctl_command_of_the_workflow_parses_with_this_builds_options() -> None:
    root = typer.main.get_command(app)
    commands = saasctl_commands()
    assert [" ".join(c[:2]) for c in commands] == [
        "install-pulumi",
        "apply --dry-run",
        "install-pulumi",
        "apply --shard",
        "install-pulumi",
        "drift --json",
    ]
    context = root.make_context("saasctl", [], resilient_parsing=True)
    for words in commands:
        assert words[0] in root.list_commands(context), f"the workflow runs saasctl {words[0]}, which is no command"
        name, command, rest = root.resolve_command(context, words)
        command.make_context(name, rest)  # raises on an unknown or bad option


def test_pull_requests_get_the_dry_run_merges_apply_in_shards_and_nights_check_drift() -> None:
    jobs = workflow()["jobs"]
    assert {name: job["if"] for name, job in jobs.items()} == {
        "dry-run": "github.event_name == 'pull_request'",
        "apply": "github.event_name == 'push' || github.event_name == 'workflow_dispatch'",
        "drift": "github.event_name == 'schedule'",
    }
    assert jobs["apply"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert jobs["dry-run"]["permissions"]["pull-requests"] == "write"
