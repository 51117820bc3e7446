"""Ending the processes an interrupted command started: its children, their children, and the process group
of each one the Pulumi CLI starts in a group of its own (a provider plugin), and nothing else.

Each scenario runs in a forked process in a session of its own: `end_descendants` kills every process the
calling one started, and the test process has its own children (the moto server) that must outlive it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from saas_ctl.engine.pulumi.processes import child_processes, end_descendants


def in_a_forked_process(scenario: Callable[[], Any]) -> Any:
    """What `scenario` returns, run in a forked child (a new session): its JSON, read from a pipe."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports on the pipe and exits
        code = 0
        try:
            os.close(read)
            os.setsid()
            text = json.dumps(scenario())
        except BaseException:  # any failure is the parent's to report
            code, text = 1, traceback.format_exc()
        finally:
            os.write(write, text.encode())
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as report:
        text = report.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, text
    return json.loads(text)


def stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, process group) of a process, None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1]), int(fields[2])


def alive(pid: int) -> bool:
    found = stat(pid)
    return found is not None and found[0] != "Z"  # a zombie has ended; its parent has yet to reap it


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


def test_a_child_in_a_process_group_of_its_own_is_killed_and_reported() -> None:
    def scenario() -> Any:
        child = subprocess.Popen(["sleep", "300"], start_new_session=True)
        found = end_descendants()
        return {"found": found, "pid": child.pid, "returncode": child.wait(timeout=30)}

    ran = in_a_forked_process(scenario)
    assert ran["found"] == [ran["pid"]]
    assert ran["returncode"] == -9


def test_the_children_of_a_child_are_killed_too() -> None:
    def scenario() -> Any:
        shell = subprocess.Popen(["sh", "-c", "sleep 300 & echo $!; wait"], stdout=subprocess.PIPE, text=True)
        assert shell.stdout is not None
        grandchild = int(shell.stdout.readline())
        found = end_descendants()
        wait_until(lambda: not alive(grandchild), "the grandchild ended")
        return {"found": sorted(found), "expected": sorted([shell.pid, grandchild]), "shell": shell.wait(timeout=30)}

    ran = in_a_forked_process(scenario)
    assert ran["found"] == ran["expected"]
    assert ran["shell"] == -9


def test_a_process_left_in_a_providers_group_by_its_exited_parent_is_ended_with_the_group() -> None:
    def scenario() -> Any:
        # The subshell starts a sleep and exits: the sleep is no descendant of ours any more, but it is still in
        # the group of the process we started (as a provider's own children are in the provider's group).
        provider = subprocess.Popen(
            ["sh", "-c", "(sleep 300 & echo $!); exec sleep 300"], start_new_session=True, stdout=subprocess.PIPE
        )
        assert provider.stdout is not None
        orphan = int(provider.stdout.readline())
        cmdline = Path(f"/proc/{provider.pid}/cmdline")
        wait_until(lambda: cmdline.read_bytes().startswith(b"sleep"), "the subshell exited and the shell went on")
        orphaned = stat(orphan)
        found = end_descendants()
        wait_until(lambda: not alive(orphan), "the orphan ended")
        return {"found": found, "provider": provider.pid, "orphan_group": orphaned and orphaned[2]}

    ran = in_a_forked_process(scenario)
    assert ran["found"] == [ran["provider"]]
    assert ran["orphan_group"] == ran["provider"]


def test_a_process_that_left_our_tree_and_our_groups_is_left_running() -> None:
    def scenario() -> Any:
        # A daemon: started in a session of its own by a shell that exits at once.
        shell = subprocess.Popen(["sh", "-c", "sleep 300 & echo $!"], start_new_session=True, stdout=subprocess.PIPE)
        assert shell.stdout is not None
        daemon = int(shell.stdout.readline())
        shell.wait(timeout=30)
        found = end_descendants()
        return {"found": found, "daemon": daemon, "alive": alive(daemon)}

    ran = in_a_forked_process(scenario)
    try:
        assert ran["found"] == []
        assert ran["alive"] is True
    finally:
        os.kill(ran["daemon"], 9)


def test_child_processes_lists_each_child_with_its_arguments() -> None:
    child = subprocess.Popen(["sleep", "300"])
    try:
        assert (child.pid, ["sleep", "300"]) in child_processes()
    finally:
        child.kill()
        child.wait(timeout=30)
