"""The AWS provider plugin every stack operation needs (a preview too: the provider checks and diffs), found
where the Pulumi CLI finds it, installed before anything runs when it is missing, or refused with how to
install it by hand. Reading a stack's state needs no plugin.

Where the CLI looks (pulumi/pulumi sdk/go/common/workspace/plugins.go): a ``pulumi-resource-aws`` on PATH (an
"ambient" plugin, unless PULUMI_IGNORE_AMBIENT_PLUGINS), else ``$PULUMI_HOME/plugins/resource-aws-v<version>/``
(``PluginDescriptor.Dir``; PULUMI_HOME defaults to ~/.pulumi), complete unless a ``.partial`` file lies beside
it (``PartialFilePath``). What `pulumi plugin install` downloads for a Pulumi-owned plugin: the GitHub release
asset ``pulumi-resource-aws-v<version>-<os>-<arch>.tar.gz`` (``githubSource.Download``, ``standardAssetName``),
falling back to get.pulumi.com (``fallbackSource``).
"""

from __future__ import annotations

import platform
import tempfile
from pathlib import Path
from typing import Any

from saas_ctl import settings as env
from saas_ctl.engine.operations import ErrorKind
from saas_ctl.errors import NotReady, shortened

_OS = {"linux": "linux", "darwin": "darwin", "windows": "windows"}
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


def plugin_dir(version: str) -> Path:
    """Where `pulumi plugin install resource aws <version>` puts the plugin (``version`` without its v)."""
    home = env.PULUMI_HOME.value() or Path.home() / ".pulumi"
    return home / "plugins" / f"resource-aws-v{version}"


def installed(version: str) -> bool:
    folder = plugin_dir(version)
    return (folder / "pulumi-resource-aws").exists() and not Path(f"{folder}.partial").exists()


def asset(version: str) -> str:
    """The release file of the plugin for this machine."""
    system = _OS.get(platform.system().lower(), platform.system().lower())
    machine = _ARCH.get(platform.machine().lower(), platform.machine().lower())
    return f"pulumi-resource-aws-v{version}-{system}-{machine}.tar.gz"


def download_url(version: str) -> str:
    return f"https://github.com/pulumi/pulumi-aws/releases/download/v{version}/{asset(version)}"


def install_hint(version: str) -> str:
    return (
        f"`pulumi plugin install resource aws v{version}` downloads {download_url(version)}; where that address "
        f"cannot be reached, fetch the file elsewhere and run `pulumi plugin install resource aws v{version} "
        f"--file {asset(version)}` (the version is the installed pulumi-aws SDK's: they must match)"
    )


def install(command: Any, version: str) -> None:
    """Install the plugin with the Pulumi CLI (``command``: a ``PulumiCommand``), or refuse saying how to."""
    from pulumi.automation import errors

    from saas_ctl.engine.pulumi.errors import last_error_line

    with tempfile.TemporaryDirectory(prefix="saasctl-plugin-") as work_dir:
        try:
            command.run(
                ["plugin", "install", "resource", "aws", f"v{version}"],
                work_dir,
                {"PULUMI_SKIP_UPDATE_CHECK": "true"},
            )
        except errors.CommandError as exc:
            raise NotReady(
                f"the AWS provider plugin v{version} is not installed, and installing it failed: "
                + shortened(last_error_line(str(exc)), 300),
                hint=install_hint(version),
                lacking="no AWS provider plugin",
                kind=ErrorKind.PLUGIN,
            ) from None
