"""The AWS provider plugin: found where the Pulumi CLI keeps it, and how to install it by hand."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

from saas_ctl.engine.pulumi import plugins


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PULUMI_HOME", str(tmp_path / "pulumi-home"))
    return tmp_path / "pulumi-home"


def test_a_plugin_is_installed_where_pulumi_plugin_install_puts_it(home: Path) -> None:
    assert not plugins.installed("7.51.1")
    folder = home / "plugins" / "resource-aws-v7.51.1"
    folder.mkdir(parents=True)
    (folder / "pulumi-resource-aws").write_text("")
    assert plugins.installed("7.51.1")
    assert not plugins.installed("7.52.0")


def test_a_plugin_still_being_installed_is_not_installed(home: Path) -> None:
    folder = home / "plugins" / "resource-aws-v7.51.1"
    folder.mkdir(parents=True)
    (folder / "pulumi-resource-aws").write_text("")
    (home / "plugins" / "resource-aws-v7.51.1.partial").write_text("")
    assert not plugins.installed("7.51.1")


@pytest.mark.skipif(
    (platform.system(), platform.machine()) != ("Linux", "x86_64"), reason="the asset name of linux-amd64"
)
def test_the_hint_names_the_command_the_address_and_the_file_to_install_from() -> None:
    assert plugins.install_hint("7.51.1") == (
        "`pulumi plugin install resource aws v7.51.1` downloads https://github.com/pulumi/pulumi-aws/releases/"
        "download/v7.51.1/pulumi-resource-aws-v7.51.1-linux-amd64.tar.gz; where that address cannot be reached, "
        "fetch the file elsewhere and run `pulumi plugin install resource aws v7.51.1 --file "
        "pulumi-resource-aws-v7.51.1-linux-amd64.tar.gz` (the version is the installed pulumi-aws SDK's: they "
        "must match)"
    )
