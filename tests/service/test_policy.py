"""The service layer's policy with a scripted Interaction and the in-memory engine: what runs, what is asked,
and what is refused, without a terminal."""

import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from saas_ctl.engine.base import StackResult
from saas_ctl.engine.changes import ChangeOp, ResourceChange
from saas_ctl.engine.operations import Operation
from saas_ctl.errors import ExitStatus, UsageError
from saas_ctl.orchestration.session import Session
from saas_ctl.service import policy, tenants
from saas_ctl.service.apply import ApplyRequest, apply
from saas_ctl.service.platform import platform
from saas_ctl.spec import loader
from saas_ctl.spec.store import ChangedMeanwhile, NewTenant
from tests.conftest import MINIMAL
from tests.fakes import MemoryEngine, deployed_platform


class Scripted:
    """An Interaction that answers from a script and records what it was told and asked."""

    def __init__(self, interactive: bool = True, answers: tuple[bool, ...] = ()) -> None:
        self.interactive = interactive
        self.answers = list(answers)
        self.said: list[str] = []
        self.asked: list[str] = []
        self.shown: list[StackResult] = []

    def notice(self, text: str) -> None:
        self.said.append(text)

    def warn(self, text: str) -> None:
        self.said.append(f"warning: {text}")

    def success(self, text: str) -> None:
        self.said.append(text)

    def ask(self, question: str) -> bool:
        self.asked.append(question)
        self.said.append(f"asked: {question}")
        return self.answers.pop(0)

    def show_changes(self, results: Sequence[StackResult]) -> None:
        self.shown.extend(results)
        self.said.append(f"shown: {', '.join(r.target.label for r in results)}")

    @contextmanager
    def running(self, session: Session) -> Iterator[Session]:
        yield session


@pytest.fixture
def session(tmp_path: Path, offline: Path) -> Session:
    spec = tmp_path / "tenants.yaml"
    spec.write_text(MINIMAL)
    return Session(MemoryEngine(), spec)


def _operations(session: Session) -> list[str]:
    engine = session.engine
    assert isinstance(engine, MemoryEngine)
    return [operation for operation, _ in engine.calls if operation in ("preview", "up", "destroy", "refresh")]


def test_off_a_terminal_nothing_is_previewed_or_asked_and_the_change_runs(session: Session) -> None:
    ui = Scripted(interactive=False)
    outcome = platform(session, ui, Operation.UP, skip_preflight=False, yes=False)
    assert _operations(session) == ["up"] and ui.asked == [] and outcome.reports[0].ok
    assert ui.said[0].startswith("preflight passed (offline, ")


def test_at_a_terminal_a_no_after_the_preview_changes_nothing(session: Session) -> None:
    ui = Scripted(answers=(False,))
    with pytest.raises(ExitStatus) as ended:
        platform(session, ui, Operation.UP, skip_preflight=True, yes=False)
    assert ended.value.exit_code == 1 and _operations(session) == ["preview"]
    assert ui.asked == ["Apply these changes to the platform?"] and ui.said[-1] == "nothing was changed"


def test_at_a_terminal_each_stack_previewed_is_shown_resource_by_resource_just_before_the_question(
    session: Session,
) -> None:
    engine = session.engine
    assert isinstance(engine, MemoryEngine)
    vpc = ResourceChange(ChangeOp.REPLACE, "aws:ec2/vpc:Vpc", "network-vpc", replace_keys=("cidrBlock",))
    engine.planned["saas-platform/dev"] = (vpc,)
    ui = Scripted(answers=(True,))
    platform(session, ui, Operation.UP, skip_preflight=True, yes=False)
    assert ui.said[-2:] == ["shown: saas-platform/dev", "asked: Apply these changes to the platform?"]
    assert [r.changes_detail for r in ui.shown] == [(vpc,)]


def test_a_failed_preview_ends_the_command_with_it_and_asks_nothing(session: Session) -> None:
    engine = session.engine
    assert isinstance(engine, MemoryEngine)
    engine.failures[("preview", "saas-platform/dev")] = "no credentials"
    ui = Scripted(answers=(True,))
    outcome = platform(session, ui, Operation.UP, skip_preflight=True, yes=False)
    assert [r.error for r in outcome.reports[0].results] == ["no credentials"] and ui.asked == []
    assert _operations(session) == ["preview"]


def test_skipping_preflight_is_said_as_a_warning(session: Session) -> None:
    ui = Scripted(interactive=False)
    policy.preflight_or_warn(session, ui, loader.load(session.file), skip=True)
    assert ui.said == [f"warning: {policy.SKIPPED_PREFLIGHT}"]


def test_what_destroys_needs_yes_off_a_terminal(session: Session) -> None:
    with pytest.raises(UsageError, match="Refusing without --yes because stdin is not a terminal"):
        platform(session, Scripted(interactive=False), Operation.DESTROY, yes=False)
    assert _operations(session) == []


def test_apply_dry_run_only_previews(session: Session) -> None:
    engine = session.engine
    assert isinstance(engine, MemoryEngine)
    deployed_platform(engine)
    outcome = apply(session, Scripted(interactive=False), ApplyRequest(dry_run=True))
    assert set(_operations(session)) == {"preview"} and outcome.extra["dry_run"] is True


def test_apply_retries_the_failed_tenants_with_one_shell_quoted_command(session: Session) -> None:
    outcome = apply(session, Scripted(interactive=False), ApplyRequest(skip_preflight=True))
    assert outcome.retry is not None
    assert outcome.retry(["acme", "o'brien"]) == "saasctl tenant up acme 'o'\"'\"'brien'"


def test_a_failed_preview_before_tenant_add_leaves_the_file_unwritten(session: Session) -> None:
    engine = session.engine
    assert isinstance(engine, MemoryEngine)
    deployed_platform(engine)
    engine.failures[("preview", "saas-dev-tenants/initech")] = "no credentials"
    before = session.file.read_text()
    outcome = tenants.add(session, Scripted(answers=(True,)), NewTenant(name="initech"), yes=False, skip_preflight=True)
    assert [r.error for report in outcome.reports for r in report.results if not r.ok] == ["no credentials"]
    assert session.file.read_text() == before and _operations(session) == ["preview"]


def test_a_destroyed_tenant_says_what_was_removed_and_what_was_kept(session: Session) -> None:
    engine = session.engine
    assert isinstance(engine, MemoryEngine)
    deployed_platform(engine)
    engine.deploy("saas-dev-tenants", "acme", {"bucket_name": "b", "secret_arn": "s"})
    outcome = tenants.destroy(session, Scripted(interactive=False), "acme", delete_data=False, yes=True)
    assert outcome.done == [f"removed tenant acme from {session.file}"]
    assert outcome.extra["removed_from_file"] is True and "acme" not in session.file.read_text()


class EditsWhileAsked(Scripted):
    """A person who, while the question waits, lets another saasctl (a separate process) edit the file."""

    def __init__(self, file: Path) -> None:
        super().__init__(answers=(True,))
        self.file = file
        self.other: subprocess.CompletedProcess[str] | None = None

    def ask(self, question: str) -> bool:
        command = [sys.executable, "-m", "saas_ctl", "tenant", "add", "globex", "--no-deploy", "-f", str(self.file)]
        self.other = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        return super().ask(question)


def test_tenant_add_keeps_no_other_editor_waiting_while_it_asks_and_writes_nothing_over_its_change(
    session: Session,
) -> None:
    engine = session.engine
    assert isinstance(engine, MemoryEngine)
    deployed_platform(engine)
    ui = EditsWhileAsked(session.file)
    with pytest.raises(ChangedMeanwhile) as raised:
        tenants.add(session, ui, NewTenant(name="initech"), yes=False, skip_preflight=True)
    assert ui.other is not None and ui.other.returncode == 0
    assert ui.other.stderr.splitlines()[-1] == (
        f"✓ added tenant globex to {session.file} (cell 1, priority 1, hosts globex.example.com)"
    )
    assert ui.asked == [f"Add tenant initech to {session.file} and deploy it?"]
    assert raised.value.exit_code == 2
    assert [t.name for t in loader.load(session.file).spec.tenants] == ["acme", "globex"]
    assert _operations(session) == ["preview"]
