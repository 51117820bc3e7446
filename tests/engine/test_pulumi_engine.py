"""PulumiEngine without a Pulumi CLI: the settings, names, config and error mapping it would use."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi.automation import ConfigValue, errors
from pulumi.automation._cmd import CommandResult

from saas_ctl.engine.base import StackTarget
from saas_ctl.engine.pulumi.engine import (
    PulumiEngine,
    PulumiSettings,
    aws_plugin_version,
    config_map,
    describe_error,
    project_settings,
    qualified_stack_name,
)
from saas_ctl.engine.pulumi.settings import file_backend_dir
from saas_ctl.errors import NotReady, SaasctlError, UsageError

TARGET = StackTarget("saas-dev-tenants", "acme", lambda: None, {"aws:region": "eu-west-1"}, tenant="acme")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in (
        "PULUMI_BACKEND_URL",
        "PULUMI_CONFIG_PASSPHRASE",
        "PULUMI_CONFIG_PASSPHRASE_FILE",
        "SAASCTL_SECRETS_PROVIDER",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SAASCTL_PULUMI_ROOT", str(tmp_path / "pulumi-root"))


def test_default_backend_is_a_local_file_backend_under_dot_saasctl(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path)
    assert settings.backend_url == (tmp_path / ".saasctl" / "state").resolve().as_uri()
    assert settings.secrets_provider == "passphrase"
    assert settings.log_dir == tmp_path / ".saasctl" / "logs"


def test_backend_option_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://from-env")
    assert PulumiSettings.resolve(tmp_path, "s3://team-state/saasctl").backend_url == "s3://team-state/saasctl"
    assert PulumiSettings.resolve(tmp_path).backend_url == "s3://from-env"


def test_pulumi_cloud_backend_uses_its_own_secrets_and_plain_stack_names(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path, "https://api.pulumi.com")
    assert settings.secrets_provider is None
    assert qualified_stack_name(settings, TARGET) == "acme"


def test_self_managed_backends_address_stacks_through_the_literal_organization(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path, "s3://team-state")
    assert qualified_stack_name(settings, TARGET) == "organization/saas-dev-tenants/acme"


def test_project_settings_name_the_project_runtime_and_backend(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path, "s3://team-state")
    project = project_settings(settings, "saas-platform")
    assert (project.name, project.runtime, project.backend.url) == ("saas-platform", "python", "s3://team-state")


def test_config_map_carries_the_region() -> None:
    config = config_map(TARGET)
    assert list(config) == ["aws:region"]
    assert isinstance(config["aws:region"], ConfigValue)
    assert (config["aws:region"].value, config["aws:region"].secret) == ("eu-west-1", False)


def test_aws_plugin_version_matches_the_installed_pulumi_aws() -> None:
    from importlib.metadata import version

    assert aws_plugin_version() == f"v{version('pulumi_aws')}"


def test_missing_passphrase_is_a_usage_error_naming_the_variable(tmp_path: Path) -> None:
    engine = PulumiEngine(PulumiSettings.resolve(tmp_path))
    with pytest.raises(UsageError) as caught:
        engine.check_ready()
    assert caught.value.message == (
        "PULUMI_CONFIG_PASSPHRASE is not set; the local state backend encrypts stack secrets with it"
    )


def test_missing_cli_says_so_and_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "x")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    engine = PulumiEngine(PulumiSettings.resolve(tmp_path))
    with pytest.raises(SaasctlError) as caught:
        engine.check_ready()
    assert caught.value.message == "the Pulumi CLI is not installed (no `pulumi` on PATH)"
    assert caught.value.exit_code == 2  # as a missing passphrase: the machine is not set up to deploy
    assert caught.value.hint == (
        f"install it with `saasctl install-pulumi` (into {tmp_path / 'pulumi-root'}) or from "
        "https://www.pulumi.com/docs/iac/download-install/"
    )


def _result(stderr: str = "", stdout: str = "") -> CommandResult:
    return CommandResult(stdout=stdout, stderr=stderr, code=255)


def test_locked_stack_maps_to_locked_with_the_holder_and_how_to_clear(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path, "s3://team-state")
    error = errors.create_command_error(
        _result(stderr="error: the stack is currently locked by 1 lock(s): ci-runner-7@host (pid 4242)")
    )
    assert isinstance(error, errors.ConcurrentUpdateError)
    kind, message = describe_error(error, TARGET, settings, tmp_path / "acme.log")
    assert kind == "locked"
    assert message == (
        "stack saas-dev-tenants/acme is locked by another update (1 lock(s): ci-runner-7@host (pid 4242)); if no "
        "update is running, clear the lock: `saasctl state unlock saas-dev-tenants/acme` (it checks the holder is "
        "gone; the lock is under s3://team-state/.pulumi/locks/organization/saas-dev-tenants/acme/) "
        f"(full output: {tmp_path / 'acme.log'})"
    )


def test_a_locked_stacks_holder_is_named_as_the_diy_backend_describes_it(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path, "s3://team-state")
    stderr = (
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete "
        "the lock file with `pulumi cancel`.\n  s3://team-state/.pulumi/locks/organization/saas-dev-tenants/acme/"
        "0b3e.json: created by ci@runner-7 (pid 4242) at 2026-12-02T11:00:00Z"
    )
    error = errors.create_command_error(_result(stderr=stderr))
    message = describe_error(error, TARGET, settings, None)[1]
    assert message.startswith(
        "stack saas-dev-tenants/acme is locked by another update (held by ci@runner-7, pid 4242, since "
        "2026-12-02T11:00:00Z); if no update is running, clear the lock: `saasctl state unlock"
    )


def test_locked_stack_on_pulumi_cloud_suggests_pulumi_cancel(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path, "https://api.pulumi.com")
    error = errors.create_command_error(_result(stderr="[409] Conflict: Another update is currently in progress."))
    assert describe_error(error, TARGET, settings, None)[1].endswith("clear the lock: pulumi cancel --stack acme --yes")


def test_stack_not_found_maps_to_not_found(tmp_path: Path) -> None:
    error = errors.create_command_error(_result(stderr="error: no stack named 'organization/x/acme' found"))
    assert describe_error(error, TARGET, PulumiSettings.resolve(tmp_path), None) == (
        "not_found",
        f"stack saas-dev-tenants/acme does not exist in {PulumiSettings.resolve(tmp_path).backend_url}",
    )


def test_stack_already_exists_maps_to_exists(tmp_path: Path) -> None:
    error = errors.create_command_error(_result(stderr="error: stack 'acme' already exists"))
    assert describe_error(error, TARGET, PulumiSettings.resolve(tmp_path), None)[0] == "exists"


def test_missing_credentials_say_how_to_provide_them(tmp_path: Path) -> None:
    error = errors.create_command_error(
        _result(
            stdout="error: configuring Terraform AWS Provider: no valid credential "
            "sources for Terraform AWS Provider found."
        )
    )
    kind, message = describe_error(error, TARGET, PulumiSettings.resolve(tmp_path), None)
    assert kind == "credentials"
    assert message.startswith("AWS credentials were not found for saas-dev-tenants/acme; set AWS_PROFILE")


def test_missing_plugin_names_the_install_command(tmp_path: Path) -> None:
    error = errors.create_command_error(_result(stderr="error: no resource plugin 'pulumi-resource-aws' found"))
    kind, message = describe_error(error, TARGET, PulumiSettings.resolve(tmp_path), None)
    assert kind == "plugin"
    assert f"pulumi plugin install resource aws {aws_plugin_version()}" in message


def test_other_command_errors_keep_thelast_error_line(tmp_path: Path) -> None:
    error = errors.create_command_error(
        _result(
            stdout=(
                "Updating (acme)\n  aws:rds:Cluster cluster creating\n"
                "error: InvalidParameterCombination: Cannot find version 15.4 for aurora-postgresql\n"
            )
        )
    )
    kind, message = describe_error(error, TARGET, PulumiSettings.resolve(tmp_path), Path("/l.log"))
    assert (kind, message) == (
        "failed",
        "saas-dev-tenants/acme: error: InvalidParameterCombination: Cannot find version 15.4 for "
        "aurora-postgresql (full output: /l.log)",
    )


def test_engine_selection_builds_a_pulumi_engine_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from saas_ctl.engine.select import engine_from_environment

    monkeypatch.delenv("SAASCTL_ENGINE", raising=False)
    assert isinstance(getattr(engine_from_environment(tmp_path), "inner", None), PulumiEngine)


def test_engine_selection_accepts_synth_and_a_factory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from saas_ctl.engine.select import engine_from_environment
    from saas_ctl.engine.synth.engine import SynthEngine
    from tests import fakes

    monkeypatch.setenv("SAASCTL_ENGINE", "synth")
    assert isinstance(getattr(engine_from_environment(tmp_path), "inner", None), SynthEngine)
    monkeypatch.setenv("SAASCTL_ENGINE", "tests.fakes:engine")
    assert getattr(engine_from_environment(tmp_path), "inner", None) is fakes.ENGINE


def test_engine_selection_refuses_what_is_not_an_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from saas_ctl.engine.select import engine_from_environment

    monkeypatch.setenv("SAASCTL_ENGINE", "json:JSONDecoder")
    with pytest.raises(UsageError) as caught:
        engine_from_environment(tmp_path)
    assert caught.value.message == (
        "SAASCTL_ENGINE='json:JSONDecoder' did not give an Engine "
        "(missing: preview, up, destroy, refresh, outputs, list_stacks)"
    )


def test_listing_a_fresh_local_backend_needs_no_cli_and_finds_nothing(tmp_path: Path) -> None:
    assert PulumiEngine(PulumiSettings.resolve(tmp_path)).list_stacks("saas-dev-tenants") == []


def test_listing_the_local_file_backend_reads_its_checkpoints(tmp_path: Path) -> None:
    state = tmp_path / ".saasctl" / "state" / ".pulumi"
    (state / "stacks" / "saas-dev-tenants").mkdir(parents=True)
    (state / "meta.yaml").write_text("version: 1\n")
    for name in ("acme.json", "acme.json.bak", "globex.json.gz"):
        (state / "stacks" / "saas-dev-tenants" / name).write_text("{}")
    assert PulumiEngine(PulumiSettings.resolve(tmp_path)).list_stacks("saas-dev-tenants") == ["acme", "globex"]


def test_the_error_line_is_the_cause_not_the_clis_closing_consequences() -> None:
    from saas_ctl.engine.pulumi.errors import last_error_line

    output = (
        " +  aws:ec2:Vpc network-vpc creating (0s) error: creating EC2 VPC: VpcLimitExceeded:\n"
        " +  pulumi:pulumi:Stack p-test creating (0s) error: update failed\n"
        " +  pulumi:pulumi:Stack p-test creating (0s) error: Resource monitor has terminated, shutting down\n"
    )
    assert last_error_line(output) == "aws:ec2:Vpc network-vpc creating (0s) error: creating EC2 VPC: VpcLimitExceeded"


def test_an_interrupt_that_ends_a_set_up_command_is_a_cancellation(tmp_path: Path) -> None:
    # Seen on the real engine: Ctrl-C reaching `pulumi stack init` ends it with -2 and no message of its own.
    error = errors.create_command_error(CommandResult(stdout="", stderr="Created stack 'acme'", code=-2))
    assert describe_error(error, TARGET, PulumiSettings.resolve(tmp_path), None) == (
        "cancelled",
        "saas-dev-tenants/acme: cancelled before the operation started; nothing was changed",
    )


def _torn_read() -> errors.CommandError:
    return errors.create_command_error(
        _result(stderr="error: failed to load checkpoint: could not read deployment: EOF")
    )


def test_state_still_mid_write_while_another_update_holds_its_lock_is_a_lock(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path)
    root = file_backend_dir(settings.backend_url)
    assert root is not None
    locks = root / ".pulumi" / "locks" / "organization" / "saas-dev-tenants" / "acme"
    locks.mkdir(parents=True)
    (locks / "7d1c.json").write_text(
        '{"pid": 4242, "username": "ci", "hostname": "runner-7", "timestamp": "2026-12-02T11:40:00Z"}'
    )
    assert describe_error(_torn_read(), TARGET, settings, None) == (
        "locked",
        "stack saas-dev-tenants/acme is locked by another update (locked by ci@runner-7, pid 4242, "
        "since 2026-12-02T11:40:00Z), which is writing its state",
    )


def test_state_still_mid_write_with_no_lock_held_is_reported_as_damaged(tmp_path: Path) -> None:
    kind, message = describe_error(_torn_read(), TARGET, PulumiSettings.resolve(tmp_path), None)
    assert kind == "failed"
    assert message.startswith("the state of stack saas-dev-tenants/acme cannot be read (failed to load checkpoint")


def test_a_lock_held_by_a_running_process_on_this_machine_is_never_to_be_cleared(tmp_path: Path) -> None:
    import os
    import socket

    settings = PulumiSettings.resolve(tmp_path, "s3://team-state")
    me = f"ci@{socket.gethostname()}"
    stderr = (
        "error: the stack is currently locked by 1 lock(s).\n  s3://team-state/.pulumi/locks/organization/"
        f"saas-dev-tenants/acme/0b3e.json: created by {me} (pid {os.getpid()}) at 2026-12-02T11:00:00Z"
    )
    message = describe_error(errors.create_command_error(_result(stderr=stderr)), TARGET, settings, None)[1]
    assert message == (
        f"stack saas-dev-tenants/acme is locked by another update (held by {me}, pid {os.getpid()}, since "
        f"2026-12-02T11:00:00Z), still running on this machine (pid {os.getpid()}): wait for it to finish, or stop "
        f"it (kill -INT {os.getpid()}: Pulumi then releases the lock itself)"
    )
    assert "unlock" not in message and "delete" not in message


def test_a_damaged_state_file_says_so_and_how_to_restore_it(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path)
    stderr = "error: failed to load checkpoint: place 1: invalid character 'g' looking for beginning of object key"
    kind, message = describe_error(errors.create_command_error(_result(stderr=stderr)), TARGET, settings, None)
    assert (kind, message) == (
        "failed",
        "the state of stack saas-dev-tenants/acme is damaged (place 1: invalid character 'g' looking for beginning of"
        f" object key): restore {settings.backend_url}/.pulumi/stacks/saas-dev-tenants/acme.json from the"
        " acme.json.bak beside it or from .pulumi/history/ (after keeping a copy of the damaged one), then run the"
        " command again",
    )


def test_a_read_only_backend_gives_its_cause_and_repair_not_a_count_of_errors(tmp_path: Path) -> None:
    settings = PulumiSettings.resolve(tmp_path)
    stderr = (
        "error: 2 errors occurred:\n\t* open /state/.pulumi/stacks/p/acme.json: read-only file system\n"
        "\t* open /state/.pulumi/stacks/p/acme.json.bak: read-only file system\n"
    )
    kind, message = describe_error(errors.create_command_error(_result(stderr=stderr)), TARGET, settings, None)
    assert (kind, message) == (
        "failed",
        f"the state backend {settings.backend_url} cannot be written (read-only file system): nothing of stack"
        " saas-dev-tenants/acme was changed; make it writable (or pass --backend with one that is) and run the"
        " command again",
    )


def test_several_errors_at_once_are_said_together() -> None:
    from saas_ctl.engine.pulumi.errors import last_error_line

    text = "error: 2 errors occurred:\n\t* first cause\n\t* second cause\n"
    assert last_error_line(text) == "first cause; second cause"


def test_a_passphrase_file_that_cannot_be_read_is_said_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE_FILE", str(tmp_path / "missing"))
    engine = PulumiEngine(PulumiSettings.resolve(tmp_path))
    with pytest.raises(NotReady) as refused:
        engine.check_passphrase()
    assert (
        refused.value.message == f"PULUMI_CONFIG_PASSPHRASE_FILE={tmp_path / 'missing'} cannot be read (no such file)"
    )
