"""Safe edits: comments kept, lowest free priority, validated before replacing, atomic, serialised."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from saas_ctl.errors import InputError, UsageError
from saas_ctl.spec.loader import load
from saas_ctl.spec.store import (
    ChangedMeanwhile,
    NewTenant,
    add_tenant,
    commit,
    propose_add,
    propose_move,
    remove_tenant,
)
from tests.conftest import MINIMAL


def test_add_then_remove_leaves_the_example_byte_for_byte_identical(
    write_spec: Callable[[str], Path], example_text: str
) -> None:
    path = write_spec(example_text)
    add_tenant(path, NewTenant("hooli"))
    remove_tenant(path, "hooli")
    assert path.read_text() == example_text


def test_add_appends_a_block_entry_and_keeps_comments(write_spec: Callable[[str], Path], example_text: str) -> None:
    path = write_spec(example_text)
    add_tenant(path, NewTenant("initech", hosts=("initech.io", "www.initech.io"), cpu=1024, memory=2048))
    assert path.read_text() == example_text + (
        "  - name: initech\n    hosts: [initech.io, www.initech.io]\n    priority: 1\n    cell: 1\n"
        "    cpu: 1024\n    memory: 2048\n"
    )


def test_add_picks_the_lowest_free_priority_and_leaves_others_alone(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL.replace("priority: 10", "priority: 1") + "  - name: b\n    priority: 3\n")
    add_tenant(path, NewTenant("c"))
    priorities = {t.name: t.priority for t in load(path).spec.tenants}
    assert priorities == {"acme": 1, "b": 3, "c": 2}


def test_remove_keeps_other_priorities(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL + "  - name: b\n    priority: 3\n")
    remove_tenant(path, "acme")
    assert [(t.name, t.priority) for t in load(path).spec.tenants] == [("b", 3)]


def test_add_to_a_file_without_tenants_creates_the_list(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL.split("tenants:")[0])
    add_tenant(path, NewTenant("first"))
    assert [t.name for t in load(path).spec.tenants] == ["first"]


def test_invalid_result_leaves_the_file_untouched_and_is_said_at_the_value_given(
    write_spec: Callable[[str], Path],
) -> None:
    path = write_spec(MINIMAL)
    with pytest.raises(InputError) as caught:
        add_tenant(path, NewTenant("big", cpu=256, memory=4096))
    assert [str(issue) for issue in caught.value.issues] == [
        "--memory 4096: memory 4096 is not valid with cpu 256 on Fargate; valid: 512, 1024, 2048; the nearest is 2048"
    ]
    assert caught.value.hint == f"{path} was left unchanged"
    assert path.read_text() == MINIMAL


def test_adding_a_declared_tenant_is_refused(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    with pytest.raises(UsageError, match="tenant 'acme' is already declared"):
        add_tenant(path, NewTenant("acme"))


def test_removing_an_undeclared_tenant_lists_the_declared_ones(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    with pytest.raises(UsageError) as caught:
        remove_tenant(path, "nobody")
    assert caught.value.hint == "declared tenants: acme"


def test_no_temporary_file_is_left_behind(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    add_tenant(path, NewTenant("b"))
    assert sorted(p.name for p in path.parent.iterdir()) == [".tenants.yaml.lock", "tenants.yaml"]


def test_file_mode_is_preserved(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    path.chmod(0o600)
    add_tenant(path, NewTenant("b"))
    assert path.stat().st_mode & 0o777 == 0o600


def test_sequence_indentation_of_the_file_is_kept(write_spec: Callable[[str], Path]) -> None:
    flush = MINIMAL.replace("  - name: acme\n    priority: 10\n", "- name: acme\n  priority: 10\n")
    path = write_spec(flush)
    add_tenant(path, NewTenant("b"))
    assert path.read_text() == flush + "- name: b\n  priority: 1\n  cell: 1\n"


def _add(path: str, name: str) -> None:
    add_tenant(Path(path), NewTenant(name))


def test_twenty_concurrent_processes_lose_no_tenant(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    names = [f"t{i:02d}" for i in range(20)]
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_add, args=(str(path), name)) for name in names]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * 20
    tenants = load(path).spec.tenants
    assert sorted(t.name for t in tenants) == sorted(["acme", *names])
    assert sorted(t.priority for t in tenants if t.name != "acme") == list(range(1, 10)) + list(range(11, 22))


def test_an_edit_through_a_symlink_changes_the_real_file_and_keeps_the_link(tmp_path: Path) -> None:
    shared = tmp_path / "config-repo"
    shared.mkdir()
    real = shared / "tenants.yaml"
    real.write_text(MINIMAL)
    link = tmp_path / "tenants.yaml"
    link.symlink_to(real)
    add_tenant(link, NewTenant(name="globex"))
    assert link.is_symlink()
    assert [t.name for t in load(real).spec.tenants] == ["acme", "globex"]
    assert (shared / ".tenants.yaml.lock").exists()


def test_an_edit_keeps_the_files_permissions_and_owner(write_spec: Callable[[str], Path]) -> None:
    import os

    path = write_spec(MINIMAL)
    path.chmod(0o640)
    if os.geteuid() == 0:  # only root can give the file away; then the edit must give it back
        os.chown(path, 4242, 4343)
    before = path.stat()
    add_tenant(path, NewTenant(name="globex"))
    after = path.stat()
    assert (after.st_mode & 0o7777, after.st_uid, after.st_gid) == (0o640, before.st_uid, before.st_gid)


def test_an_edit_collects_the_temporary_files_of_an_edit_that_was_killed(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(MINIMAL)
    stale = path.parent / ".tenants.yaml.abc123.tmp"
    stale.write_text("half an edit")
    add_tenant(path, NewTenant(name="globex"))
    assert not stale.exists()


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: "# shared by the platform team\n---\n" + text + "...\n", id="document-markers"),
    ],
)
def test_an_edit_keeps_line_endings_bom_and_document_markers(tmp_path: Path, form: Callable[[str], str]) -> None:
    path = tmp_path / "tenants.yaml"
    path.write_bytes(form(MINIMAL).encode())
    add_tenant(path, NewTenant(name="globex"))
    remove_tenant(path, "globex")
    assert path.read_bytes() == form(MINIMAL).encode()


def test_a_committed_proposal_writes_what_the_direct_edit_writes(write_spec: Callable[[str], Path]) -> None:
    proposed, direct = write_spec(MINIMAL, "proposed.yaml"), write_spec(MINIMAL, "direct.yaml")
    proposal = propose_add(proposed, NewTenant("initech", hosts=("initech.example.com",)))
    assert proposed.read_text() == MINIMAL  # nothing written until the commit
    assert [t.name for t in commit(proposal).spec.tenants] == ["acme", "initech"]
    add_tenant(direct, NewTenant("initech", hosts=("initech.example.com",)))
    assert proposed.read_bytes() == direct.read_bytes()


def test_a_proposal_keeps_no_other_editor_waiting_and_a_change_made_meanwhile_is_not_overwritten(
    write_spec: Callable[[str], Path],
) -> None:
    path = write_spec(MINIMAL)
    proposal = propose_move(path, "acme", 2)
    other = multiprocessing.get_context("spawn").Process(target=_add, args=(str(path), "globex"))
    other.start()
    other.join(timeout=120)
    assert other.exitcode == 0  # it neither waited for a lock nor failed on one
    meanwhile = path.read_bytes()
    with pytest.raises(ChangedMeanwhile) as raised:
        commit(proposal)
    assert raised.value.exit_code == 2
    assert raised.value.message == (
        f"{path} changed while this command was waiting (another edit was written meanwhile), so this edit was "
        "not written"
    )
    assert raised.value.hint == "run the command again: it starts from the file as it is now"
    assert path.read_bytes() == meanwhile
    assert [(t.name, t.cell) for t in load(path).spec.tenants] == [("acme", None), ("globex", 1)]
