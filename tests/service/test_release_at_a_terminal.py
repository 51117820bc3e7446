"""`release` at a terminal: the waves shown, then the question; a no changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from saas_ctl.errors import ExitStatus
from saas_ctl.orchestration.session import Session
from saas_ctl.service.release import ReleaseRequest, start
from saas_ctl.spec.loader import load
from tests.conftest import fleet_yaml
from tests.fakes import TENANTS, MemoryEngine, deployed_platform
from tests.service.test_policy import Scripted


@pytest.fixture
def session(tmp_path: Path, offline: Path) -> Session:
    spec = tmp_path / "tenants.yaml"
    spec.write_text(fleet_yaml(3) + "  - name: t0004\n    priority: 4\n    cell: 1\n    image: own/app:7\n")
    engine = MemoryEngine()
    deployed_platform(engine)
    for name in ("t0001", "t0002", "t0003", "t0004"):
        engine.deploy(TENANTS, name)
    return Session(engine, spec)


def test_at_a_terminal_the_waves_are_shown_then_asked_and_a_no_changes_nothing(
    session: Session, tmp_path: Path
) -> None:
    ui = Scripted(answers=(False,))
    before = session.file.read_text()
    with pytest.raises(ExitStatus) as ended:
        start(session, ui, ReleaseRequest("app:2", waves="50%,100%"), (tmp_path / "state").as_uri())
    assert ended.value.exit_code == 1
    assert ui.said == [
        "canary (1): t0001",
        "wave 1 (1): t0002",
        "wave 2 (1): t0003",
        "left alone: t0004: pins its own image own/app:7 (--include-pinned releases it too)",
        "asked: Release app:2 to 3 tenant(s) in 3 wave(s)?",
        "nothing was changed",
    ]
    assert session.file.read_text() == before and not (tmp_path / "state" / "releases").exists()
    assert load(session.file).spec.defaults.image != "app:2"


def test_yes_at_a_terminal_asks_nothing(session: Session, tmp_path: Path) -> None:
    ui = Scripted()
    outcome = start(session, ui, ReleaseRequest("app:2", yes=True), (tmp_path / "state").as_uri())
    assert (outcome.release.status, ui.asked) == ("completed", [])
