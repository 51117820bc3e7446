"""What an Automation API error means, for the errors the engine meets mid-operation: a lock whose holder runs
here or is gone, a state read while another update writes it, a cancelled or interrupted command, a wrong
passphrase, a backend saasctl itself cannot write, and errors that are no CLI's."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from pulumi.automation import errors
from pulumi.automation._cmd import CommandResult

from saas_ctl.engine.base import ErrorKind, StackTarget
from saas_ctl.engine.pulumi.errors import describe_error, last_error_line
from saas_ctl.engine.pulumi.settings import PulumiSettings, file_backend_dir

TARGET = StackTarget("saas-dev-tenants", "acme", lambda: None, {"aws:region": "eu-west-1"}, tenant="acme")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PulumiSettings:
    """The default backend: a local file one under the project."""
    for key in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SAASCTL_PULUMI_ROOT", str(tmp_path / "pulumi-root"))
    return PulumiSettings.resolve(tmp_path)


def command_error(stderr: str = "", code: int = 255) -> errors.CommandError:
    return errors.create_command_error(CommandResult(stdout="", stderr=stderr, code=code))


def locked_by(pid: int) -> errors.CommandError:
    """The diy backend's answer to an update on a stack that pid on this machine holds locked."""
    return command_error(
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete "
        "the lock file with `pulumi cancel`.\n  file:///state/.pulumi/locks/organization/saas-dev-tenants/acme/"
        f"0b3e.json: created by root@{socket.gethostname()} (pid {pid}) at 2026-12-02T11:00:00Z"
    )


def test_a_lock_held_by_a_process_still_running_here_says_to_wait_or_stop_it(settings: PulumiSettings) -> None:
    kind, message = describe_error(locked_by(os.getpid()), TARGET, settings, None)
    assert kind == ErrorKind.LOCKED
    assert f"still running on this machine (pid {os.getpid()}): wait for it to finish" in message
    assert "clear the lock" not in message


def test_a_lock_whose_holder_here_is_gone_says_how_to_clear_it(settings: PulumiSettings) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait(timeout=30)
    kind, message = describe_error(locked_by(gone.pid), TARGET, settings, None)
    assert kind == ErrorKind.LOCKED
    assert message.endswith(
        "clear the lock: `saasctl state unlock saas-dev-tenants/acme` (it checks the holder is "
        f"gone; the lock is under {settings.backend_url}/.pulumi/locks/organization/"
        "saas-dev-tenants/acme/)"
    )


def lock_file(settings: PulumiSettings) -> Path:
    root = file_backend_dir(settings.backend_url)
    assert root is not None
    folder = root / ".pulumi" / "locks" / "organization" / "saas-dev-tenants" / "acme"
    folder.mkdir(parents=True)
    return folder / "0b3e.json"


def test_a_state_read_mid_write_is_the_lock_of_the_update_writing_it(settings: PulumiSettings) -> None:
    holder = {"pid": 4242, "username": "ci", "hostname": "runner-7", "timestamp": "2026-12-02T11:00:00Z"}
    lock_file(settings).write_text(json.dumps(holder))
    kind, message = describe_error(command_error("error: failed to load checkpoint: EOF"), TARGET, settings, None)
    assert (kind, message) == (
        ErrorKind.LOCKED,
        "stack saas-dev-tenants/acme is locked by another update (locked by ci@runner-7, pid 4242, since "
        "2026-12-02T11:00:00Z), which is writing its state",
    )


def test_a_state_read_mid_write_under_an_unreadable_lock_is_still_a_lock(settings: PulumiSettings) -> None:
    lock_file(settings).write_text("{")
    kind, message = describe_error(
        command_error("error: failed to load checkpoint: unexpected end of JSON input"), TARGET, settings, None
    )
    assert (kind, message) == (
        ErrorKind.LOCKED,
        "stack saas-dev-tenants/acme is locked by another update, which is writing its state",
    )


def test_a_torn_state_on_a_backend_that_is_no_folder_is_said_damaged(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path, "s3://team-state")
    kind, message = describe_error(command_error("error: failed to load checkpoint: EOF"), TARGET, settings, None)
    assert kind == ErrorKind.FAILED
    assert message.startswith("the state of stack saas-dev-tenants/acme cannot be read (failed to load checkpoint")
    assert "s3://team-state/.pulumi/stacks/saas-dev-tenants/acme.json or its .attrs file" in message


def test_a_cancelled_update_says_the_lock_was_released(settings: PulumiSettings) -> None:
    kind, message = describe_error(command_error("error: update canceled"), TARGET, settings, Path("/l.log"))
    assert (kind, message) == (
        ErrorKind.CANCELLED,
        "saas-dev-tenants/acme: cancelled; the stack's lock was released (full output: /l.log)",
    )


def test_a_set_up_command_ended_by_sigint_says_nothing_was_changed(settings: PulumiSettings) -> None:
    kind, message = describe_error(command_error("", code=-2), TARGET, settings, None)
    assert (kind, message) == (
        ErrorKind.CANCELLED,
        "saas-dev-tenants/acme: cancelled before the operation started; nothing was changed",
    )


def test_a_passphrase_that_does_not_decrypt_names_the_variable(settings: PulumiSettings) -> None:
    error = command_error(
        "error: constructing secrets manager: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE"
    )
    assert describe_error(error, TARGET, settings, None) == (
        ErrorKind.PASSPHRASE,
        "PULUMI_CONFIG_PASSPHRASE does not decrypt stack saas-dev-tenants/acme",
    )


def test_a_backend_folder_saasctl_cannot_write_says_to_make_it_writable(settings: PulumiSettings) -> None:
    error = PermissionError(errno.EACCES, "Permission denied", "/state/.pulumi")
    kind, message = describe_error(error, TARGET, settings, None)
    assert (kind, message) == (
        ErrorKind.FAILED,
        f"the state backend {settings.backend_url} cannot be written (permission denied: /state/.pulumi): make it "
        "writable (or pass --backend with one that is) and run the command again",
    )


def test_an_error_that_is_no_clis_is_named_by_its_type(settings: PulumiSettings) -> None:
    error = ValueError("stack name too long")
    assert describe_error(error, TARGET, settings, None) == (
        ErrorKind.FAILED,
        "saas-dev-tenants/acme: ValueError: stack name too long",
    )


def test_output_without_an_error_line_is_said_by_its_last_line() -> None:
    assert last_error_line("Updating (acme)\n\n  killed\n") == "killed"
    assert last_error_line("") == "the Pulumi CLI failed"
