"""Where a command's stack state lives and how its secrets are encrypted.

The backend, first that is given: ``--backend``, ``PULUMI_BACKEND_URL``, the tenants file's
``platform.state.backend``, then ``file://.saasctl/state`` beside the tenants file. A ``file://`` path in the
tenants file that is not absolute is read from the file's own directory, so ``saasctl -f work/tenants.yaml``
finds the same stacks from any directory. The secrets provider: ``SAASCTL_SECRETS_PROVIDER``, then
``platform.state.secrets_provider``, then ``passphrase`` on a self-managed backend (Pulumi Cloud's own on
Pulumi Cloud).

``--local`` (the emulator) has a backend of its own, ``.saasctl/local/state`` beside the emulator's record,
which `saasctl local stop` discards: its stacks never mix with a real account's. A command with ``--local``
refuses ``--backend``, and one without refuses a backend that is the emulator's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from saas_ctl import settings
from saas_ctl.errors import UsageError

DEFAULT_DIR = Path(".saasctl") / "state"
EMULATOR_DIR = Path(".saasctl") / "local" / "state"
EMULATOR_MARK = "saasctl-emulator-state"  # a file in the emulator's backend directory, naming it as such
CLOUD_SCHEMES = ("https://", "http://")


@dataclass(frozen=True)
class StateLocation:
    """The backend and secrets provider a command uses, and where each came from (for messages and README)."""

    backend_url: str
    backend_source: str  # --backend, PULUMI_BACKEND_URL, platform.state.backend, default, --local
    secrets_provider: str | None  # None: Pulumi Cloud's own
    secrets_source: str
    emulator: bool = False

    @property
    def self_managed(self) -> bool:
        return not self.backend_url.startswith(CLOUD_SCHEMES)

    @property
    def directory(self) -> Path | None:
        """The directory of a file backend (None for S3, Pulumi Cloud...)."""
        return file_directory(self.backend_url)

    @property
    def on_this_machine_only(self) -> bool:
        """A real account's state kept in a file backend: lost with this machine's disk."""
        return not self.emulator and self.directory is not None


def only_copy_warning(location: StateLocation) -> str:
    """Said once by a deploy to a real account whose state is a file backend."""
    return (
        f"the only copy of this environment's state is on this machine ({location.directory}, "
        f"{location.backend_source}); lose it and saasctl no longer knows what it deployed. For anything that "
        "matters, name a shared backend in tenants.yaml (platform.state, see `saasctl state init`)"
    )


def file_directory(url: str) -> Path | None:
    if not url.startswith("file://"):
        return None
    return Path(url.removeprefix("file://").split("?", 1)[0]).expanduser()


def resolve(
    file: Path,
    backend: str | None = None,
    local: bool = False,
    workdir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> StateLocation:
    """The state of a command on ``file``: ``backend`` is the --backend value as Typer gave it (the flag, or
    PULUMI_BACKEND_URL through the option's envvar); ``local``: --local, whose state is the emulator's own."""
    from_environment = settings.BACKEND_URL.value(environ)
    flag = backend if backend and backend != from_environment else None
    workdir = workdir or Path.cwd()
    secrets_variable = settings.SECRETS_PROVIDER
    if local:
        if flag:
            raise UsageError(
                f"--local keeps its own state (in {workdir / EMULATOR_DIR}); it does not take --backend {flag}",
                hint="drop --backend to deploy to the emulator, or --local to use that backend",
            )
        directory = (workdir / EMULATOR_DIR).resolve()
        return StateLocation(directory.as_uri(), "--local", "passphrase", "--local", emulator=True)
    declared = declared_state(file)
    if flag:
        url, source = flag, "--backend"
    elif from_environment:
        url, source = from_environment, settings.BACKEND_URL.name
    elif declared.backend:
        url, source = _beside(declared.backend, file), "platform.state.backend"
    else:
        url, source = (file.parent / DEFAULT_DIR).resolve().as_uri(), "default"
        _refuse_state_left_in_the_working_directory(file, workdir)
    _refuse_emulator_backend(url, source)
    cloud = url.startswith(CLOUD_SCHEMES)
    if secrets_variable.is_set(environ):
        secrets: str | None = secrets_variable.value(environ)
        secrets_source = secrets_variable.name
    elif declared.secrets_provider:
        secrets, secrets_source = declared.secrets_provider, "platform.state.secrets_provider"
    else:
        secrets, secrets_source = (None, "Pulumi Cloud") if cloud else ("passphrase", "default")
    return StateLocation(url, source, secrets, secrets_source)


def _beside(url: str, file: Path) -> str:
    """A file:// URL of the tenants file read from the file's directory; other URLs as written."""
    directory = file_directory(url)
    if directory is None or directory.is_absolute():
        return url
    return (file.parent / directory).resolve().as_uri()


def _refuse_state_left_in_the_working_directory(file: Path, workdir: Path) -> None:
    """Releases before platform.state kept the default backend in the working directory, not beside the tenants
    file: stacks found only there would otherwise look "not deployed", and a deploy would make a second
    platform."""
    beside, here = (file.parent / DEFAULT_DIR).resolve(), (workdir / DEFAULT_DIR).resolve()
    if beside == here or not (here / ".pulumi").is_dir() or (beside / ".pulumi").is_dir():
        return
    raise UsageError(
        f"stacks are in {here} (the working directory's default backend, as earlier releases kept it), but the "
        f"default backend of {file} is now beside it, in {beside}, which has none",
        hint=f"move the state beside the tenants file (mv {here} {beside}), or name it: "
        f"--backend {here.as_uri()} or platform.state.backend",
    )


def _refuse_emulator_backend(url: str, source: str) -> None:
    directory = file_directory(url)
    if directory is not None and (directory / EMULATOR_MARK).exists():
        raise UsageError(
            f"the backend {url} ({source}) holds the local emulator's stacks; a command without --local never "
            "reads or writes them",
            hint="add --local to act on the emulator, or name the real account's backend",
        )


def mark_emulator_backend(directory: Path) -> None:
    """Make ``directory`` the emulator's backend: created, and marked so no real command uses it."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / EMULATOR_MARK).write_text("the local emulator's stacks: discarded by `saasctl local stop`\n")


# ---- what the tenants file declares, read without loading the whole file ----------------------------

_TOP_LEVEL_KEY = re.compile(r"^[^\s#]")
_PLATFORM_BLOCK = re.compile(r"^platform:\s*(#.*)?$")


def declared_state(file: Path) -> _Declared:
    """``platform.state`` of the tenants file: read from the ``platform:`` block alone (a 10,000-tenant file
    is parsed once, by the command itself), the whole file where the block is not plain to cut out. A file
    that cannot be read, or that is invalid, declares nothing here: the command's own load reports it."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return _Declared()
    block = _platform_block(text)
    if block is not None and "state" not in block:
        return _Declared()
    return _from_block(block) if block is not None else _from_whole(file)


@dataclass(frozen=True)
class _Declared:
    backend: str | None = None
    secrets_provider: str | None = None


def _platform_block(text: str) -> str | None:
    """The lines of the top-level ``platform:`` mapping written in block style without anchors or aliases;
    None when it is written otherwise."""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if _PLATFORM_BLOCK.match(line):
            end = start + 1
            while end < len(lines) and not _TOP_LEVEL_KEY.match(lines[end]):
                end += 1
            block = "\n".join(lines[start:end])
            return None if re.search(r"[&*!]", block) else block
    return None


def _from_block(block: str) -> _Declared:
    import yaml

    from saas_ctl.spec.models import State

    try:
        data = yaml.safe_load(block)
        state = State.model_validate((data.get("platform") or {}).get("state") or {})
    except Exception:  # anything odd: the whole file says it, with its lines
        return _Declared()
    return _Declared(state.backend, state.secrets_provider)


def _from_whole(file: Path) -> _Declared:
    from saas_ctl.errors import SpecError
    from saas_ctl.spec import loader

    try:
        state = loader.load(file).spec.platform.state
    except SpecError:
        return _Declared()
    return _Declared(state.backend, state.secrets_provider)
