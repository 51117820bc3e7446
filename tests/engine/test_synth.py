"""SynthEngine: the programs under mocks, also when the orchestrator calls it from several threads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from saas_ctl.engine.base import StackTarget
from saas_ctl.engine.synth import engine as synth
from tests.conftest import REPO, offline_environment

SPEC = (REPO / "tenants.yaml").read_text() + "".join(
    f"  - name: extra-{i}\n    priority: {100 + i}\n" for i in range(4)
)


def test_synth_apply_with_parallel_threads_finishes_and_synthesises_every_stack(tmp_path: Path) -> None:
    # In a subprocess with a timeout: a deadlock here must fail the test, not hang the suite.
    (tmp_path / "tenants.yaml").write_text(SPEC)
    result = subprocess.run(
        [sys.executable, "-m", "saas_ctl", "apply", "--parallel", "4", "--json"],
        cwd=tmp_path,
        env=offline_environment(
            tmp_path, {"SAASCTL_ENGINE": "synth", "PATH": "", "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
        ),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [(r["stack"], r["status"], r["changes"]) for r in document["results"]] == [
        ("dev", "succeeded", {"create": 40}),
        *[
            (name, "succeeded", {"create": 28})
            for name in ("acme", "globex", "extra-0", "extra-1", "extra-2", "extra-3")
        ],
    ]


def test_every_synth_result_says_nothing_was_deployed() -> None:
    from saas_ctl.engine.synth.engine import NOTHING_DEPLOYED, SynthEngine
    from saas_ctl.spec.loader import load
    from saas_ctl.stacks import targets
    from tests.conftest import EXAMPLE

    target = targets.platform_target(load(EXAMPLE).spec)
    engine = SynthEngine()
    results = [engine.up(target), engine.refresh(target), engine.destroy(target)]
    assert [r.note for r in results] == [NOTHING_DEPLOYED] * 3
    assert (results[1].changes, results[2].changes) == ({}, {})


def test_a_synth_preview_lists_every_declared_resource_as_one_a_first_deploy_creates() -> None:
    from saas_ctl.engine.changes import ChangeOp
    from saas_ctl.engine.synth.engine import SynthEngine

    result = SynthEngine().preview(_example_platform_target())
    detail = result.changes_detail or ()
    assert {c.op for c in detail} == {ChangeOp.CREATE} and result.changes == {"create": len(result.resources)}
    assert sorted((c.type, c.name) for c in detail) == sorted((r.type, r.name) for r in result.resources)
    assert ("aws:ec2/vpc:Vpc", "network-vpc") in [(c.type, c.name) for c in detail]


# ---- the stack-trace patch (version-pinned) ----------------------------------------------------------------
def _example_platform_target() -> StackTarget:
    from saas_ctl.spec.loader import load
    from saas_ctl.stacks import targets
    from tests.conftest import EXAMPLE

    return targets.platform_target(load(EXAMPLE).spec)


def _untested_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synth, "STACK_TRACE_PATCH_TESTED", frozenset({"0.0.0"}))


needs_tested_sdk = pytest.mark.skipif(
    not synth.stack_trace_patch_applies(),
    reason=f"pulumi {synth.sdk_version()} is not one the stack-trace patch was tested with; it is not applied",
)


@needs_tested_sdk
def test_a_synthesis_declares_the_same_resources_and_outputs_without_stack_traces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patched = synth.synthesize(_example_platform_target())
    _untested_sdk(monkeypatch)
    assert synth.synthesize(_example_platform_target()) == patched
    assert len(patched.resources) == 40


def _what_the_program_sees(seen: list[object]) -> StackTarget:
    def program() -> None:
        from pulumi.runtime import resource as sdk

        seen.append(sdk._get_stack_trace)

    return StackTarget("probe", "dev", program, {"aws:region": "us-east-1"}, "platform")


@needs_tested_sdk
def test_while_a_program_runs_under_mocks_the_sdk_builds_no_stack_trace() -> None:
    from pulumi.runtime.proto import source_pb2

    seen: list[object] = []
    synth.synthesize(_what_the_program_sees(seen))
    assert seen == [source_pb2.StackTrace]


def test_on_an_sdk_the_patch_was_not_tested_with_the_sdk_runs_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from pulumi.runtime import resource as sdk

    _untested_sdk(monkeypatch)
    seen: list[object] = []
    synth.synthesize(_what_the_program_sees(seen))
    assert seen == [sdk._get_stack_trace] and sdk._get_stack_trace.__module__ == "pulumi.runtime.resource"


def test_after_a_synthesis_the_sdk_has_its_own_function_back() -> None:
    from pulumi.runtime import resource as sdk

    original = sdk._get_stack_trace
    synth.synthesize(_example_platform_target())
    assert sdk._get_stack_trace is original and original.__module__ == "pulumi.runtime.resource"
