"""Where a command's state lives: --backend, then PULUMI_BACKEND_URL, then tenants.yaml's platform.state, then a
file backend beside the tenants file; the emulator's state apart from a real account's."""

from __future__ import annotations

from pathlib import Path

import pytest

from saas_ctl.errors import UsageError
from saas_ctl.state.location import mark_emulator_backend, resolve
from tests.conftest import MINIMAL

STATE = """\
  state:
    backend: {backend}
    secrets_provider: {secrets}
"""


def tenants_file(directory: Path, backend: str = "", secrets: str = "passphrase") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = MINIMAL
    if backend:
        text = text.replace("defaults:", STATE.format(backend=backend, secrets=secrets) + "defaults:")
    path = directory / "tenants.yaml"
    path.write_text(text)
    return path


@pytest.fixture(autouse=True)
def no_state_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    monkeypatch.delenv("SAASCTL_SECRETS_PROVIDER", raising=False)


def test_the_default_backend_lives_beside_the_tenants_file_whatever_the_working_directory(tmp_path: Path) -> None:
    file = tenants_file(tmp_path / "work")
    where = resolve(file, workdir=tmp_path / "elsewhere")
    assert (where.backend_url, where.backend_source) == ((tmp_path / "work" / ".saasctl" / "state").as_uri(), "default")
    assert (where.secrets_provider, where.secrets_source) == ("passphrase", "default")


def test_a_relative_file_backend_in_the_tenants_file_is_read_from_the_files_directory(tmp_path: Path) -> None:
    file = tenants_file(tmp_path / "work", backend="file://state-dir")
    where = resolve(file, workdir=tmp_path)
    assert (where.backend_url, where.backend_source) == (
        (tmp_path / "work" / "state-dir").as_uri(),
        "platform.state.backend",
    )


def test_the_tenants_file_names_an_s3_backend_and_a_kms_secrets_provider(tmp_path: Path) -> None:
    kms = "awskms://alias/saasctl-state?region=eu-west-1"
    file = tenants_file(tmp_path, backend="s3://acme-state/saasctl?region=eu-west-1", secrets=kms)
    where = resolve(file, workdir=tmp_path)
    assert (where.backend_url, where.secrets_provider, where.secrets_source) == (
        "s3://acme-state/saasctl?region=eu-west-1",
        kms,
        "platform.state.secrets_provider",
    )
    assert not where.on_this_machine_only


def test_the_environment_overrides_the_file_and_the_flag_overrides_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tenants_file(tmp_path, backend="s3://from-file")
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://from-env")
    monkeypatch.setenv("SAASCTL_SECRETS_PROVIDER", "awskms://alias/env")
    from_environment = resolve(file, "s3://from-env", workdir=tmp_path)  # Typer hands the variable in as the flag
    assert (from_environment.backend_url, from_environment.backend_source) == ("s3://from-env", "PULUMI_BACKEND_URL")
    assert (from_environment.secrets_provider, from_environment.secrets_source) == (
        "awskms://alias/env",
        "SAASCTL_SECRETS_PROVIDER",
    )
    flagged = resolve(file, "s3://from-flag", workdir=tmp_path)
    assert (flagged.backend_url, flagged.backend_source) == ("s3://from-flag", "--backend")


def test_pulumi_cloud_keeps_its_own_secrets_provider_unless_one_is_named(tmp_path: Path) -> None:
    where = resolve(tenants_file(tmp_path), "https://api.pulumi.com", workdir=tmp_path)
    assert (where.secrets_provider, where.self_managed) == (None, False)


def test_a_real_accounts_file_backend_is_this_machines_only_copy_and_the_emulators_is_not(tmp_path: Path) -> None:
    file = tenants_file(tmp_path)
    assert resolve(file, workdir=tmp_path).on_this_machine_only
    emulator = resolve(file, local=True, workdir=tmp_path)
    assert emulator.backend_url == (tmp_path / ".saasctl" / "local" / "state").as_uri()
    assert (emulator.emulator, emulator.on_this_machine_only) == (True, False)


def test_local_with_an_explicit_backend_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as refused:
        resolve(tenants_file(tmp_path), "s3://team-state", local=True, workdir=tmp_path)
    assert refused.value.message == (
        f"--local keeps its own state (in {tmp_path / '.saasctl/local/state'}); it does not take --backend "
        "s3://team-state"
    )


def test_local_ignores_the_backend_of_the_environment_and_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://from-env")
    file = tenants_file(tmp_path, backend="s3://from-file")
    assert resolve(file, "s3://from-env", local=True, workdir=tmp_path).backend_source == "--local"


def test_a_command_without_local_refuses_the_emulators_backend(tmp_path: Path) -> None:
    mark_emulator_backend(tmp_path / ".saasctl" / "local" / "state")
    backend = (tmp_path / ".saasctl" / "local" / "state").as_uri()
    with pytest.raises(UsageError) as refused:
        resolve(tenants_file(tmp_path), backend, workdir=tmp_path)
    assert refused.value.message == (
        f"the backend {backend} (--backend) holds the local emulator's stacks; a command without --local never "
        "reads or writes them"
    )


def test_a_file_whose_platform_block_is_not_plain_yaml_is_read_whole(tmp_path: Path) -> None:
    text = MINIMAL.replace("defaults:", '  state: {backend: "s3://flow-style"}\n  tags: &t {team: a}\ndefaults:')
    (tmp_path / "tenants.yaml").write_text(text)
    assert resolve(tmp_path / "tenants.yaml", workdir=tmp_path).backend_url == "s3://flow-style"


def test_an_invalid_state_is_the_files_own_error_with_its_line(tmp_path: Path) -> None:
    from saas_ctl.errors import SpecError
    from saas_ctl.spec.loader import load

    file = tenants_file(tmp_path, backend="ftp://nowhere")
    assert resolve(file, workdir=tmp_path).backend_source == "default"  # the command's own load says why
    with pytest.raises(SpecError) as invalid:
        load(file)
    [issue] = invalid.value.issues
    assert (issue.line, issue.path) == (9, "platform.state.backend")


def test_stacks_left_in_the_working_directory_by_an_earlier_release_are_not_silently_ignored(tmp_path: Path) -> None:
    file = tenants_file(tmp_path / "work")
    (tmp_path / ".saasctl" / "state" / ".pulumi").mkdir(parents=True)  # where earlier releases kept them
    with pytest.raises(UsageError) as refused:
        resolve(file, workdir=tmp_path)
    assert refused.value.message == (
        f"stacks are in {tmp_path / '.saasctl/state'} (the working directory's default backend, as earlier releases "
        f"kept it), but the default backend of {file} is now beside it, in {tmp_path / 'work/.saasctl/state'}, which "
        "has none"
    )
    (tmp_path / "work" / ".saasctl" / "state" / ".pulumi").mkdir(parents=True)  # once moved (or made) there: used
    assert resolve(file, workdir=tmp_path).backend_url == (tmp_path / "work" / ".saasctl" / "state").as_uri()
