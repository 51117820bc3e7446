"""The state named by the tenants file, with the real Pulumi CLI: the same stacks from any directory."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.integration.conftest import PULUMI, RealEngine, requires_pulumi

pytestmark = [requires_pulumi]

TENANTS = "  - {name: acme, priority: 10}\n  - {name: globex, priority: 11}\n"


def init_stack(real: RealEngine, state: Path, project: str, stack: str) -> None:
    """An empty stack made by the Pulumi CLI itself (in a project directory of its own)."""
    project_dir = real.workdir.parent / f"project-{project}"
    project_dir.mkdir(exist_ok=True)
    (project_dir / "Pulumi.yaml").write_text(f"name: {project}\nruntime: python\n")
    state.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [PULUMI or "pulumi", "stack", "init", f"organization/{project}/{stack}"],
        cwd=project_dir,
        env={**real.env, "PULUMI_BACKEND_URL": state.as_uri()},
        check=True,
        capture_output=True,
    )


def test_a_tenants_file_given_from_another_directory_shows_the_same_states(real: RealEngine) -> None:
    real.edit_spec("tenants: []\n", "tenants:\n" + TENANTS)
    init_stack(real, real.workdir / ".saasctl" / "state", "itest-test-tenants", "acme")  # beside the tenants file
    inside = real.ok("tenant", "list", "--json").json()
    elsewhere = real.workdir.parent / "elsewhere"
    elsewhere.mkdir()
    outside = real.ok("-f", str(real.workdir / "tenants.yaml"), "tenant", "list", "--json", cwd=elsewhere).json()
    states = {tenant["name"]: tenant["state"] for tenant in inside["tenants"]}
    assert states == {"acme": "deployed", "globex": "not deployed"}
    assert {tenant["name"]: tenant["state"] for tenant in outside["tenants"]} == states
    assert not (elsewhere / ".saasctl" / "state").exists()
    assert json.dumps(inside) == json.dumps(outside)


def test_a_deploy_on_a_file_backend_warns_once_that_the_only_copy_of_the_state_is_here(real: RealEngine) -> None:
    real.edit_spec("tenants: []\n", "tenants:\n" + TENANTS)
    result = real.run("tenant", "up", "--all", "--yes")  # refused (no platform yet) after the warning
    assert result.stderr.count("the only copy of this environment's state is on this machine") == 1
    assert f"({real.workdir / '.saasctl' / 'state'}, default)" in result.stderr
