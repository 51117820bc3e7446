"""How saasctl drives Pulumi: the backend and secrets provider, the CLI it looks for, project settings, stack
config and the AWS plugin version."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saas_ctl import settings as env
from saas_ctl.engine.base import (
    StackTarget,
)

if TYPE_CHECKING:
    from saas_ctl.state.location import StateLocation

ORGANIZATION = "organization"  # the only organisation a self-managed backend knows
PASSPHRASE_VARIABLES = (env.PASSPHRASE.name, env.PASSPHRASE_FILE.name)
INSTALL_HINT = (
    "install it with `saasctl install-pulumi` (into {root}) or from https://www.pulumi.com/docs/iac/download-install/"
)


def default_cli_root() -> Path:
    """Where `saasctl install-pulumi` puts the Pulumi CLI, and where the engine looks for it first."""
    base = env.DATA_HOME.value() or Path.home() / ".local" / "share"
    return env.PULUMI_ROOT.value() or base / "saasctl" / "pulumi"


@dataclass(frozen=True)
class PulumiSettings:
    """Where state lives and how secrets are encrypted."""

    backend_url: str
    log_dir: Path
    cli_root: Path
    secrets_provider: str | None = "passphrase"

    @property
    def self_managed(self) -> bool:
        return not self.backend_url.startswith(("https://", "http://"))

    @classmethod
    def at(cls, location: StateLocation, workdir: Path) -> PulumiSettings:
        """The settings of a command whose state saas_ctl.state.location resolved; logs under ``workdir``."""
        return cls(
            backend_url=location.backend_url,
            log_dir=workdir / ".saasctl" / "logs",
            cli_root=default_cli_root(),
            secrets_provider=location.secrets_provider,
        )

    @classmethod
    def resolve(cls, workdir: Path, backend: str | None = None) -> PulumiSettings:
        """``--backend`` wins over ``PULUMI_BACKEND_URL``, which wins over ``./.saasctl/state``."""
        url = backend or env.BACKEND_URL.value()
        if not url:
            url = (workdir / ".saasctl" / "state").resolve().as_uri()
        self_managed = not url.startswith(("https://", "http://"))
        return cls(
            backend_url=url,
            log_dir=workdir / ".saasctl" / "logs",
            cli_root=default_cli_root(),
            secrets_provider=env.SECRETS_PROVIDER.value() if self_managed else None,
        )


def qualified_stack_name(settings: PulumiSettings, target: StackTarget) -> str:
    return f"{ORGANIZATION}/{target.project}/{target.stack}" if settings.self_managed else target.stack


def project_settings(settings: PulumiSettings, project: str) -> Any:
    from pulumi.automation import ProjectBackend, ProjectSettings

    return ProjectSettings(name=project, runtime="python", backend=ProjectBackend(url=settings.backend_url))


def config_map(target: StackTarget) -> dict[str, Any]:
    from pulumi.automation import ConfigValue

    return {key: ConfigValue(value=value) for key, value in target.config.items()}


def aws_plugin_version() -> str:
    """The AWS provider plugin that matches the installed pulumi-aws package."""
    from importlib.metadata import version

    return "v" + version("pulumi_aws")


def ambient_plugin() -> str | None:
    """A `pulumi-resource-aws` on PATH, which the Pulumi CLI uses instead of an installed plugin (unless
    PULUMI_IGNORE_AMBIENT_PLUGINS is set): then there is nothing to install."""
    if env.IGNORE_AMBIENT_PLUGINS.value():
        return None
    return shutil.which("pulumi-resource-aws")


def list_file_backend(root: Path, project: str) -> list[str] | None:
    """Stacks of a project-scoped file backend (``.pulumi/meta.yaml`` version 1): one checkpoint per stack in
    ``.pulumi/stacks/<project>/``. None when the layout is one this does not know (the CLI answers then)."""
    state = root / ".pulumi"
    if not state.exists():
        return []  # nothing was ever deployed with this backend
    meta = state / "meta.yaml"
    if not meta.exists() or "version: 1" not in meta.read_text():
        return None
    stacks = state / "stacks" / project
    if not stacks.is_dir():
        return []
    names = {p.name.split(".json")[0] for p in stacks.iterdir() if p.name.endswith((".json", ".json.gz"))}
    return sorted(names)


def file_backend_dir(url: str) -> Path | None:
    if url.startswith("file://"):
        return Path(url.removeprefix("file://"))
    return None
