"""infra/ is a leaf: the Pulumi programs know AWS and Pulumi, not tenants.yaml. Only saas_ctl/stacks/inputs.py
turns a spec into their inputs."""

import ast
from pathlib import Path

from saas_ctl.spec.loader import load
from saas_ctl.stacks.inputs import platform_inputs, tenant_inputs
from tests.conftest import EXAMPLE, REPO


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_no_module_of_infra_imports_saasctl() -> None:
    importing = sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "infra").rglob("*.py")
        if any(name.split(".")[0] == "saas_ctl" for name in _imported(path))
    )
    assert importing == []


def test_a_tenants_inputs_are_its_effective_settings() -> None:
    spec = load(EXAMPLE).spec
    acme = tenant_inputs(spec, "acme")
    assert (acme.hosts, acme.priority, acme.cell, acme.cpu, acme.memory) == (("acme.example.com",), 10, 1, 512, 1024)
    assert (acme.min_count, acme.max_count, acme.cpu_target) == (1, 4, 60)
    assert acme.environment.project == spec.platform.project and acme.environment.region == spec.platform.region


def test_the_platform_runs_at_least_the_cells_its_tenants_need() -> None:
    spec = load(EXAMPLE).spec
    assert platform_inputs(spec).cells == 1
    assert platform_inputs(spec, cells=3).cells == 3
