"""The pulumi_aws modules the programs use are loaded before threads can race to load them."""

from __future__ import annotations

import re
import subprocess
import sys

from infra import aws_modules
from tests.conftest import REPO


def test_every_pulumi_aws_service_the_programs_use_is_preloaded() -> None:
    used = set()
    for path in (REPO / "infra").rglob("*.py"):
        used |= set(re.findall(r"\baws\.([a-z0-9_]+)\.[A-Za-z_]", path.read_text()))
    assert used <= set(aws_modules.SERVICES), used - set(aws_modules.SERVICES)


def test_load_leaves_no_lazy_module_behind() -> None:
    code = (
        "import types, pulumi_aws; from infra import aws_modules; aws_modules.load(); "
        "print([s for s in aws_modules.SERVICES if type(getattr(pulumi_aws, s)) is not types.ModuleType])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
