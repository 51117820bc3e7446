"""SynthEngine: the programs under mocks, also when the orchestrator calls it from several threads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

SPEC = (REPO / "tenants.yaml").read_text() + "".join(
    f"  - name: extra-{i}\n    priority: {100 + i}\n" for i in range(4)
)


def test_synth_apply_with_parallel_threads_finishes_and_synthesises_every_stack(tmp_path: Path) -> None:
    # In a subprocess with a timeout: a deadlock here must fail the test, not hang the suite.
    (tmp_path / "tenants.yaml").write_text(SPEC)
    result = subprocess.run(
        [sys.executable, "-m", "saas_ctl", "apply", "--parallel", "4", "--json"],
        cwd=tmp_path,
        env={
            "SAASCTL_ENGINE": "synth",
            "PATH": "",
            "HOME": str(tmp_path),
            "AWS_EC2_METADATA_DISABLED": "true",
            "PYTHONPATH": str(REPO),
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [(r["stack"], r["status"], r["changes"]) for r in document["results"]] == [
        ("dev", "succeeded", {"create": 39}),
        *[
            (name, "succeeded", {"create": 29})
            for name in ("acme", "globex", "extra-0", "extra-1", "extra-2", "extra-3")
        ],
    ]


def test_every_synth_result_says_nothing_was_deployed() -> None:
    from saas_ctl import stacks
    from saas_ctl.engine.synth import NOTHING_DEPLOYED, SynthEngine
    from saas_ctl.spec.loader import load
    from tests.conftest import EXAMPLE

    target = stacks.platform_target(load(EXAMPLE).spec)
    engine = SynthEngine()
    results = [engine.up(target), engine.refresh(target), engine.destroy(target)]
    assert [r.note for r in results] == [NOTHING_DEPLOYED] * 3
    assert (results[1].changes, results[2].changes) == ({}, {})
