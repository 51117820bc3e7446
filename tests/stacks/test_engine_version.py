"""The Aurora engine version a platform deploy asks for: a major alone resolves to its newest known release, and a
cluster AWS upgraded past the file is never asked to go back."""

from __future__ import annotations

from saas_ctl.engine.synth.engine import synthesize
from saas_ctl.stacks import targets
from saas_ctl.stacks.engine_version import Resolved, resolve
from tests.conftest import MINIMAL, spec_of


def test_a_major_alone_resolves_to_the_newest_release_the_catalogue_knows() -> None:
    chosen = resolve("15", "us-east-1")
    assert chosen.version == "15.15"
    assert chosen.note == (
        'engine_version "15": 15.15, the newest 15.x in saasctl\'s bundled snapshot of us-east-1 as of 2025-11-18 '
        "(with releases through 2026-06-14)"
    )


def test_a_full_version_is_deployed_as_written() -> None:
    assert resolve("15.8", "us-east-1") == Resolved("15.8")


def test_a_cluster_aws_upgraded_past_the_file_keeps_its_version() -> None:
    chosen = resolve("15.8", "us-east-1", running="15.10")
    assert chosen.version == "15.10"
    assert chosen.note == (
        "the cluster runs Aurora PostgreSQL 15.10 (an automatic minor upgrade by AWS); kept, since 15.8 would be a "
        "downgrade, which RDS refuses"
    )


def test_a_major_alone_keeps_a_newer_release_the_cluster_runs() -> None:
    assert resolve("15", "us-east-1", running="15.16").version == "15.16"


def test_a_new_major_in_the_file_is_an_upgrade_whatever_runs() -> None:
    assert resolve("16.4", "us-east-1", running="15.10") == Resolved("16.4")


def test_the_platform_program_gets_the_resolved_version() -> None:
    spec = spec_of(MINIMAL.replace('"15.8"', '"15"'))
    synthesis = synthesize(targets.platform_target(spec))
    [cluster] = [r for r in synthesis.resources if r.type == "aws:rds/cluster:Cluster"]
    assert cluster.inputs["engineVersion"] == "15.15"
