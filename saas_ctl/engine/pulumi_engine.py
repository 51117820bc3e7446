"""PulumiEngine: the Engine over ``pulumi.automation`` with inline programs and the real Pulumi CLI.

Facts this relies on (read in the SDK's source, ``pulumi/automation``):
- ``create_or_select_stack(stack_name, project_name, program, opts=LocalWorkspaceOptions(...))`` runs
  ``pulumi version`` first through ``PulumiCommand``; without a CLI that raises ``FileNotFoundError``.
- On a self-managed backend (``file://``, ``s3://`` ...), stacks are addressed as
  ``organization/<project>/<stack>``: the literal organisation ``organization``.
- Errors arrive as ``CommandError`` subclasses chosen from the CLI's output (``create_command_error``):
  ``ConcurrentUpdateError`` for a locked stack, ``StackNotFoundError``, ``StackAlreadyExistsError``...
- ``destroy(remove=True)`` removes the stack once its resources are gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from saas_ctl.engine.base import (
    Capabilities,
    EngineEvent,
    ErrorKind,
    EventSink,
    Operation,
    StackResult,
    StackTarget,
    Status,
)
from saas_ctl.errors import SaasctlError, UsageError

ORGANIZATION = "organization"  # the only organisation a self-managed backend knows
PASSPHRASE_VARIABLES = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")
INSTALL_HINT = (
    "install it with `saasctl install-pulumi` (into {root}) or from https://www.pulumi.com/docs/iac/download-install/"
)


def default_cli_root() -> Path:
    """Where `saasctl install-pulumi` puts the Pulumi CLI, and where the engine looks for it first."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(os.environ.get("SAASCTL_PULUMI_ROOT", Path(base) / "saasctl" / "pulumi"))


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
    def resolve(cls, workdir: Path, backend: str | None = None) -> PulumiSettings:
        """``--backend`` wins over ``PULUMI_BACKEND_URL``, which wins over ``./.saasctl/state``."""
        url = backend or os.environ.get("PULUMI_BACKEND_URL")
        if not url:
            url = (workdir / ".saasctl" / "state").resolve().as_uri()
        self_managed = not url.startswith(("https://", "http://"))
        return cls(
            backend_url=url,
            log_dir=workdir / ".saasctl" / "logs",
            cli_root=default_cli_root(),
            secrets_provider=os.environ.get("SAASCTL_SECRETS_PROVIDER", "passphrase") if self_managed else None,
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
    if os.environ.get("PULUMI_IGNORE_AMBIENT_PLUGINS", "").lower() in ("1", "true"):
        return None
    return shutil.which("pulumi-resource-aws")


def describe_error(
    exc: BaseException, target: StackTarget, settings: PulumiSettings, log: Path | None
) -> tuple[ErrorKind, str]:
    """(kind, readable message) for an exception from the Automation API."""
    from pulumi.automation import errors

    where = f" (full output: {log})" if log else ""
    stack = qualified_stack_name(settings, target)
    if isinstance(exc, errors.ConcurrentUpdateError):
        holder = _lock_holder(str(exc))
        clear = (
            f"delete the lock under {settings.backend_url}/.pulumi/locks/{ORGANIZATION}/{target.project}/"
            f"{target.stack}/"
            if settings.self_managed
            else f"pulumi cancel --stack {stack} --yes"
        )
        return ErrorKind.LOCKED, (
            f"stack {target.label} is locked by another update{holder}; if no update is running, "
            f"clear the lock: {clear}{where}"
        )
    if isinstance(exc, errors.StackNotFoundError):
        return ErrorKind.NOT_FOUND, f"stack {target.label} does not exist in {settings.backend_url}{where}"
    if isinstance(exc, errors.StackAlreadyExistsError):
        return ErrorKind.EXISTS, f"stack {target.label} already exists in {settings.backend_url}{where}"
    if isinstance(exc, errors.CommandError):
        text = str(exc)
        if "no resource plugin" in text or "could not find plugin" in text:
            return ErrorKind.PLUGIN, (
                f"the AWS provider plugin {aws_plugin_version()} is missing and could not be installed; "
                f"run `pulumi plugin install resource aws {aws_plugin_version()}`{where}"
            )
        if (
            "NoCredentialProviders" in text
            or "no valid credential sources" in text
            or "failed to refresh cached credentials" in text
        ):
            return ErrorKind.CREDENTIALS, (
                f"AWS credentials were not found for {target.label}; set AWS_PROFILE or "
                f"AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or use --local){where}"
            )
        if "update canceled" in text or "destroy canceled" in text or "refresh canceled" in text:
            return ErrorKind.CANCELLED, f"{target.label}: cancelled; the stack's lock was released{where}"
        if _INTERRUPTED.search(text):
            # The interrupt reached a set-up command (stack init or select, config) before the operation began.
            return (
                ErrorKind.CANCELLED,
                f"{target.label}: cancelled before the operation started; nothing was changed{where}",
            )
        if "passphrase" in text and "incorrect" in text:
            return ErrorKind.PASSPHRASE, f"PULUMI_CONFIG_PASSPHRASE does not decrypt stack {target.label}{where}"
        return ErrorKind.FAILED, f"{target.label}: {_last_error_line(text)}{where}"
    return ErrorKind.FAILED, f"{target.label}: {type(exc).__name__}: {exc}{where}"


def _lock_holder(text: str) -> str:
    for line in text.splitlines():
        if "locked by" in line:
            return " (" + line.strip().split("locked by", 1)[1].strip(" :") + ")"
    return ""


# A CLI process that SIGINT ended before it could answer (the Automation API reports its return code, -2).
_INTERRUPTED = re.compile(r"^\s*code: -2\s*$", re.MULTILINE)

# Error lines that follow the cause and say nothing about it (the real CLI ends a failed update with these).
_CONSEQUENCES = (
    "update failed",
    "preview failed",
    "destroy failed",
    "refresh failed",
    "resource monitor has terminated",
)


def _last_error_line(text: str) -> str:
    """The line that says why: the first error that is not one of the CLI's closing consequences."""
    lines = [line.strip().lstrip("+-~ ").strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line.lower()]
    causes = [line for line in errors if not any(c in line.lower() for c in _CONSEQUENCES)]
    if causes:
        return causes[0].rstrip(":")[:500]
    return (errors or lines or ["the Pulumi CLI failed"])[-1][:500]


class PulumiEngine:
    """Runs stack operations with the Pulumi CLI through the Automation API."""

    capabilities = Capabilities(check_ready=True, cancel=True, last_update=True)

    def __init__(self, settings: PulumiSettings) -> None:
        self.settings = settings
        self._plugin_lock = threading.Lock()
        self._plugin_ready = False
        self._command: Any = None

    # ---- set-up -------------------------------------------------------------------------------------

    def check_ready(self) -> None:
        """Fail early, once, with what to do: no passphrase for the local backend, or no Pulumi CLI."""
        self.check_passphrase()
        self.pulumi_command()

    def check_passphrase(self) -> None:
        if self.settings.secrets_provider == "passphrase" and not any(os.environ.get(v) for v in PASSPHRASE_VARIABLES):
            raise UsageError(
                "PULUMI_CONFIG_PASSPHRASE is not set; the local state backend encrypts stack secrets with it",
                hint="export PULUMI_CONFIG_PASSPHRASE=... (keep it: the same passphrase is needed for every later run)",
            )

    def pulumi_command(self) -> Any:
        """The CLI in saasctl's own directory when installed there, else `pulumi` from PATH."""
        if self._command is None:
            from pulumi.automation import PulumiCommand

            root = self.settings.cli_root
            try:
                if (root / "bin" / "pulumi").exists():
                    self._command = PulumiCommand(root=str(root), skip_version_check=True)
                else:
                    self._command = PulumiCommand(skip_version_check=True)
            except FileNotFoundError:
                # Like a missing passphrase: the machine is not set up to deploy (exit 2), nothing was tried.
                raise UsageError(
                    "the Pulumi CLI is not installed (no `pulumi` on PATH)", hint=INSTALL_HINT.format(root=root)
                ) from None
        return self._command

    def workspace_options(self, target: StackTarget, work_dir: str | None = None) -> Any:
        from pulumi.automation import LocalWorkspaceOptions

        backend_dir = _file_backend_dir(self.settings.backend_url)
        if backend_dir is not None:
            backend_dir.mkdir(parents=True, exist_ok=True)
        return LocalWorkspaceOptions(
            work_dir=work_dir,
            project_settings=project_settings(self.settings, target.project),
            secrets_provider=self.settings.secrets_provider,
            # The CLI prefers PULUMI_BACKEND_URL from its environment over the project's backend: pass the one
            # saasctl resolved (--backend first), so an unrelated variable in the shell cannot redirect state.
            env_vars={"PULUMI_SKIP_UPDATE_CHECK": "true", "PULUMI_BACKEND_URL": self.settings.backend_url},
            pulumi_command=self.pulumi_command(),
        )

    def _stack(self, target: StackTarget, work_dir: str, create: bool = True) -> Any:
        from pulumi import automation as auto

        self.check_passphrase()
        name = qualified_stack_name(self.settings, target)
        opts = self.workspace_options(target, work_dir)
        if create:
            stack = auto.create_or_select_stack(
                stack_name=name, project_name=target.project, program=target.program, opts=opts
            )
        else:
            stack = auto.select_stack(stack_name=name, project_name=target.project, program=target.program, opts=opts)
        self._ensure_plugin(stack.workspace)
        stack.set_all_config(config_map(target), path=True)
        return stack

    def _ensure_plugin(self, workspace: Any) -> None:
        with self._plugin_lock:
            if self._plugin_ready:
                return
            if ambient_plugin() is not None:
                # The CLI runs a `pulumi-resource-aws` found on PATH in preference to its plugin cache.
                self._plugin_ready = True
                return
            wanted = aws_plugin_version().lstrip("v")
            installed = {(p.name, p.version) for p in workspace.list_plugins()}
            if ("aws", wanted) not in installed:
                workspace.install_plugin("aws", aws_plugin_version())
            self._plugin_ready = True

    def cancel(self, label: str) -> None:
        """Ask the Pulumi CLI running ``label`` to stop, as Ctrl-C would: it cancels cleanly and releases the
        stack's lock. (A terminal's Ctrl-C reaches it directly; this covers SIGTERM from CI.) Linux only."""
        project, _, stack = label.partition("/")
        qualified = qualified_stack_name(self.settings, StackTarget(project, stack, lambda: None))
        for pid, argv in _child_processes():
            if argv and Path(argv[0]).name == "pulumi" and qualified in argv:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGINT)

    # ---- operations ---------------------------------------------------------------------------------

    def log_path(self, target: StackTarget) -> Path:
        return self.settings.log_dir / f"{target.project}.{target.stack}.log"

    def _run(
        self,
        operation: Operation,
        target: StackTarget,
        on_event: EventSink | None,
        call: Callable[[Any, Callable[[str], None], Callable[[Any], None]], Any],
    ) -> StackResult:
        log = self.log_path(target)
        log.parent.mkdir(parents=True, exist_ok=True)
        progress = _Progress(target, on_event)
        with open(log, "a", encoding="utf-8") as handle, _work_dir() as work_dir:
            handle.write(f"\n=== {datetime.now(UTC).isoformat()} {operation} {target.label}\n")
            try:
                stack = self._stack(target, work_dir, create=operation is not Operation.DESTROY)
                result = call(stack, lambda line: _write(handle, line), progress)
            except SaasctlError:
                raise
            except Exception as exc:
                kind, message = describe_error(exc, target, self.settings, log)
                handle.write(f"--- {kind}: {exc}\n")
                # Only the CLI's own word counts: a lock error mentions `pulumi cancel` in its hint.
                status = Status.CANCELLED if kind is ErrorKind.CANCELLED else Status.FAILED
                return StackResult(target, operation, status, error=message, error_kind=kind)
        return self._result(operation, target, result)

    @staticmethod
    def _result(operation: Operation, target: StackTarget, result: Any) -> StackResult:
        changes: dict[str, int] = {}
        summary = getattr(result, "summary", None)
        if summary is not None and summary.resource_changes:
            changes = dict(summary.resource_changes)
        elif getattr(result, "change_summary", None):
            changes = {str(k): int(v) for k, v in result.change_summary.items()}
        outputs = {k: v.value for k, v in (getattr(result, "outputs", None) or {}).items()}
        return StackResult(target, operation, Status.SUCCEEDED, changes, outputs)

    def preview(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._run(
            Operation.PREVIEW,
            target,
            on_event,
            lambda stack, out, events: stack.preview(on_output=out, on_event=events, color="never"),
        )

    def up(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._run(
            Operation.UP,
            target,
            on_event,
            lambda stack, out, events: stack.up(on_output=out, on_event=events, color="never"),
        )

    def refresh(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._run(
            Operation.REFRESH,
            target,
            on_event,
            lambda stack, out, events: stack.refresh(on_output=out, on_event=events, color="never"),
        )

    def destroy(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        """Destroy the stack's resources, then remove the stack itself."""
        return self._run(
            Operation.DESTROY,
            target,
            on_event,
            lambda stack, out, events: stack.destroy(on_output=out, on_event=events, color="never", remove=True),
        )

    @contextlib.contextmanager
    def _existing(self, target: StackTarget) -> Iterator[Any]:
        """The stack for reading, or None when it does not exist (reads never create a stack)."""
        from pulumi.automation import errors

        with _work_dir() as work_dir:
            try:
                stack = self._stack(target, work_dir, create=False)
            except errors.StackNotFoundError:
                stack = None
            yield stack

    def outputs(self, target: StackTarget) -> dict[str, Any]:
        """The stack's outputs; empty when the stack does not exist."""
        with self._existing(target) as stack:
            return {} if stack is None else {key: value.value for key, value in stack.outputs().items()}

    def last_update(self, target: StackTarget) -> dict[str, Any] | None:
        """The stack's most recent operation: kind (update, destroy...), result and when it ended."""
        with self._existing(target) as stack:
            history = [] if stack is None else stack.history(page_size=1)
        if not history:
            return None
        latest = history[0]
        ended = latest.end_time.isoformat() if latest.end_time else None
        return {"kind": str(latest.kind), "result": str(latest.result), "end_time": ended}

    def list_stacks(self, project: str) -> list[str]:
        """Stack names of ``project``. On the local file backend they are read from its directory, so listing
        needs neither the Pulumi CLI nor the passphrase (and `tenant list` stays fast)."""
        local = _file_backend_dir(self.settings.backend_url)
        if local is not None:
            listed = _list_file_backend(local, project)
            if listed is not None:
                return listed
        from pulumi.automation import LocalWorkspace

        self.check_passphrase()
        placeholder = StackTarget(project, "-", lambda: None)
        with _work_dir() as work_dir:
            workspace = LocalWorkspace(**vars(self.workspace_options(placeholder, work_dir)))
            names = [summary.name for summary in workspace.list_stacks()]
        return sorted(name.rsplit("/", 1)[-1] for name in names)


@contextlib.contextmanager
def _work_dir() -> Iterator[str]:
    """The workspace directory of one operation (Pulumi.yaml and the stack's settings file), removed after it;
    left to itself the Automation API makes a new temporary directory per workspace and never removes it."""
    with tempfile.TemporaryDirectory(prefix="saasctl-workspace-") as path:
        yield path


def _child_processes() -> list[tuple[int, list[str]]]:
    """(pid, argv) of this process's children, from /proc."""
    children = []
    me = os.getpid()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == me:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                children.append((int(entry.name), [a.decode(errors="replace") for a in argv if a]))
        except (OSError, ValueError, IndexError):
            continue
    return children


def _list_file_backend(root: Path, project: str) -> list[str] | None:
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


def _file_backend_dir(url: str) -> Path | None:
    if url.startswith("file://"):
        return Path(url.removeprefix("file://"))
    return None


def _write(handle: Any, line: str) -> None:
    handle.write(line if line.endswith("\n") else line + "\n")
    handle.flush()


class _Progress:
    """Turns Pulumi engine events into EngineEvents: resources done of those started, and the current step."""

    def __init__(self, target: StackTarget, sink: EventSink | None) -> None:
        self.target = target
        self.sink = sink
        self.started = 0
        self.done = 0

    def __call__(self, event: Any) -> None:
        if self.sink is None:
            return
        if event.resource_pre_event is not None:
            self.started += 1
            meta = event.resource_pre_event.metadata
            current = f"{meta.op.value} {meta.type}"
        elif event.res_outputs_event is not None:
            self.done += 1
            current = None
        elif event.summary_event is not None:
            current = "done"
        else:
            return
        self.sink(EngineEvent(self.target.label, self.done, self.started or None, current))
