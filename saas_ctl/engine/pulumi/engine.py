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
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from saas_ctl import settings as env
from saas_ctl.engine.base import (
    Capabilities,
    DeployedResource,
    ErrorKind,
    EventSink,
    Fingerprint,
    Operation,
    ResourceChange,
    StackResult,
    StackTarget,
    Status,
)
from saas_ctl.engine.changes import counts, mask_secrets
from saas_ctl.engine.pulumi import backend, plugins
from saas_ctl.engine.pulumi.changes import ChangeRecorder, DriftRecorder
from saas_ctl.engine.pulumi.errors import describe_error, is_torn_read
from saas_ctl.engine.pulumi.processes import child_processes, private_work_dir
from saas_ctl.engine.pulumi.progress import OperationProgress, write_log_line
from saas_ctl.engine.pulumi.settings import (
    INSTALL_HINT,
    PASSPHRASE_VARIABLES,
    PulumiSettings,
    ambient_plugin,
    aws_plugin_version,
    config_map,
    file_backend_dir,
    list_file_backend,
    project_settings,
    qualified_stack_name,
)
from saas_ctl.errors import NotReady, SaasctlError

_T = TypeVar("_T")

# Pauses before reading a stack's state again after finding it mid-write (errors.is_torn_read): about
# 4 s in all, far longer than one checkpoint write takes, short enough that a damaged file is reported soon.
TORN_READ_PAUSES = (0.2, 0.5, 1.0, 2.0)


class PulumiEngine:
    """Runs stack operations with the Pulumi CLI through the Automation API."""

    capabilities = Capabilities(
        check_ready=True,
        prepare=True,
        cancel=True,
        last_update=True,
        fingerprints=True,
        drift=True,
        resources=True,
    )

    def __init__(self, settings: PulumiSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.sleep = sleep  # between reads of a stack's state found mid-write
        self._plugin_lock = threading.Lock()
        self._plugin_ready = False
        self._command: Any = None

    # ---- set-up -------------------------------------------------------------------------------------

    def check_ready(self) -> None:
        """Fail early, once, with what to do: no passphrase for the local backend, or no Pulumi CLI."""
        self.check_passphrase()
        self.pulumi_command()

    def check_passphrase(self) -> None:
        if self.settings.secrets_provider != "passphrase":
            return
        passphrase_file = env.PASSPHRASE_FILE.value()
        if passphrase_file and not env.PASSPHRASE.is_set() and not os.access(passphrase_file, os.R_OK):
            # The CLI itself says "incorrect passphrase" for a file it cannot read: the wrong cause.
            raise NotReady(
                f"PULUMI_CONFIG_PASSPHRASE_FILE={passphrase_file} cannot be read"
                f" ({'no such file' if not os.path.exists(passphrase_file) else 'permission denied'})",
                hint="point PULUMI_CONFIG_PASSPHRASE_FILE at the file holding the stacks' passphrase, or export"
                " PULUMI_CONFIG_PASSPHRASE",
                lacking="no readable PULUMI_CONFIG_PASSPHRASE_FILE",
                kind=ErrorKind.PASSPHRASE,
            )
        if not any(variable.is_set() for variable in (env.PASSPHRASE, env.PASSPHRASE_FILE)):
            raise NotReady(
                "PULUMI_CONFIG_PASSPHRASE is not set; the local state backend encrypts stack secrets with it",
                hint="export PULUMI_CONFIG_PASSPHRASE=... (keep it: the same passphrase is needed for every later run)",
                lacking="no PULUMI_CONFIG_PASSPHRASE",
                kind=ErrorKind.PASSPHRASE,
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
                raise NotReady(
                    "the Pulumi CLI is not installed (no `pulumi` on PATH)",
                    hint=INSTALL_HINT.format(root=root),
                    lacking="no Pulumi CLI",
                ) from None
        return self._command

    def workspace_options(self, target: StackTarget, work_dir: str | None = None) -> Any:
        from pulumi.automation import LocalWorkspaceOptions

        backend_dir = file_backend_dir(self.settings.backend_url)
        if backend_dir is not None:
            backend_dir.mkdir(parents=True, exist_ok=True)
        return LocalWorkspaceOptions(
            work_dir=work_dir,
            project_settings=project_settings(self.settings, target.project),
            secrets_provider=self.settings.secrets_provider,
            # The CLI prefers PULUMI_BACKEND_URL from its environment over the project's backend: pass the one
            # saasctl resolved (--backend first), so an unrelated variable in the shell cannot redirect state.
            # Each operation runs in a fresh work directory, without the Pulumi.<stack>.yaml that records a stack's
            # secrets provider: the CLI then mints a new passphrase manager for an existing stack (and an awskms
            # stack would need a passphrase). The fallback reuses the provider the stack's state records
            # (pulumi pkg/v3 cmd/pulumi/stack/secrets.go, GetSecretsManager; pulumi/pulumi#16412).
            env_vars={
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_BACKEND_URL": self.settings.backend_url,
                "PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER": "true",
            },
            pulumi_command=self.pulumi_command(),
        )

    def _stack(self, target: StackTarget, work_dir: str, create: bool = True, read_only: bool = False) -> Any:
        """The stack, configured for an operation; ``read_only``: selected to read its state (no config set).
        A stack the backend shows to exist is used without `pulumi stack select`, and its config is written to
        the workspace's stack settings file instead of `pulumi config set-all` (lean.py)."""
        from pulumi import automation as auto

        from saas_ctl.engine.pulumi import lean

        self.check_passphrase()
        name = qualified_stack_name(self.settings, target)
        opts = self.workspace_options(target, work_dir)
        if not read_only:
            opts.stack_settings = lean.settings(name, target.config)
        url = self.settings.backend_url
        if backend.stack_exists(url, target.project, target.stack):
            opts.program = target.program
            opts.project_settings.main = opts.project_settings.main or os.getcwd()  # as the SDK's own helper does
            workspace: Any = auto.LocalWorkspace(**vars(opts))
        elif create:
            workspace = auto.create_or_select_stack(
                stack_name=name, project_name=target.project, program=target.program, opts=opts
            ).workspace
        else:
            workspace = auto.select_stack(
                stack_name=name, project_name=target.project, program=target.program, opts=opts
            ).workspace
        return lean.LeanStack(name, workspace, lambda: backend.checkpoint_outputs(url, target.project, target.stack))

    def _once_readable(self, read: Callable[[], _T]) -> _T:
        """``read()``, again while it finds the stack's state mid-write by another operation (the file backend's
        metadata sidecar, rewritten in place: errors.is_torn_read)."""
        for pause in TORN_READ_PAUSES:
            try:
                return read()
            except Exception as exc:
                if not is_torn_read(exc):
                    raise
                self.sleep(pause)
        return read()  # the last attempt: what it raises is the answer

    def prepare(self) -> None:
        """Before stack operations (a preview too; reads need nothing): the CLI, the passphrase, and the AWS
        provider plugin of the installed pulumi-aws SDK's version, installed when missing or refused with how
        to install it by hand (plugins.py)."""
        self.check_ready()
        with self._plugin_lock:
            if self._plugin_ready:
                return
            # The CLI runs a `pulumi-resource-aws` found on PATH in preference to its plugin cache.
            if ambient_plugin() is None:
                version = aws_plugin_version().lstrip("v")
                if not plugins.installed(version):
                    plugins.install(self.pulumi_command(), version)
            self._plugin_ready = True

    def cancel(self, label: str) -> None:
        """Ask the Pulumi CLI running ``label`` to stop, as Ctrl-C would: it cancels cleanly and releases the
        stack's lock. (A terminal's Ctrl-C reaches it directly; this covers SIGTERM from CI.) Linux only."""
        project, _, stack = label.partition("/")
        qualified = qualified_stack_name(self.settings, StackTarget(project, stack, lambda: None))
        for pid, argv in child_processes():
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
        progress = OperationProgress(target, on_event)
        recorder: ChangeRecorder = DriftRecorder() if operation is Operation.DRIFT else ChangeRecorder()

        def events(event: Any) -> None:
            recorder(event)
            progress(event)

        with open(log, "a", encoding="utf-8") as handle, private_work_dir() as work_dir:
            handle.write(f"\n=== {datetime.now(UTC).isoformat()} {operation} {target.label}\n")
            try:
                self.prepare()
                create = operation is not Operation.DESTROY
                stack = self._once_readable(lambda: self._stack(target, work_dir, create))
                result = call(stack, lambda line: write_log_line(handle, line), events)
            except SaasctlError:
                raise
            except Exception as exc:
                kind, message = describe_error(exc, target, self.settings, log)
                handle.write(f"--- {kind}: {exc}\n")
                # Only the CLI's own word counts: a lock error mentions `pulumi cancel` in its hint.
                status = Status.CANCELLED if kind is ErrorKind.CANCELLED else Status.FAILED
                return StackResult(target, operation, status, error=message, error_kind=kind)
        # What a refresh changes is the state, not resources: its steps say nothing a reader could act on.
        detail = None if operation is Operation.REFRESH else recorder.changes()
        if operation is Operation.DRIFT:  # the refresh's own summary counts reads, not differences
            return StackResult(target, operation, Status.SUCCEEDED, counts(detail or ()), changes_detail=detail)
        return self._result(operation, target, result, detail)

    @staticmethod
    def _result(
        operation: Operation, target: StackTarget, result: Any, detail: tuple[ResourceChange, ...] | None = None
    ) -> StackResult:
        changes: dict[str, int] = {}
        summary = getattr(result, "summary", None)
        if summary is not None and summary.resource_changes:
            changes = dict(summary.resource_changes)
        elif getattr(result, "change_summary", None):
            changes = {str(k): int(v) for k, v in result.change_summary.items()}
        outputs = {k: v.value for k, v in (getattr(result, "outputs", None) or {}).items()}
        return StackResult(target, operation, Status.SUCCEEDED, changes, outputs, changes_detail=detail)

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
            lambda stack, out, events: stack.up(
                on_output=out, on_event=_summarised(stack, events), color="never", refresh=target.refresh or None
            ),
        )

    def refresh(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        return self._run(
            Operation.REFRESH,
            target,
            on_event,
            lambda stack, out, events: stack.refresh(on_output=out, on_event=events, color="never"),
        )

    def drift(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult:
        """A refresh-preview (`pulumi refresh --preview-only`): what the cloud holds differently from the state,
        resource by resource; neither the state nor the cloud changes."""
        return self._run(
            Operation.DRIFT,
            target,
            on_event,
            lambda stack, out, events: stack.preview_refresh(on_output=out, on_event=events, color="never"),
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

        with private_work_dir() as work_dir:
            try:
                stack = self._stack(target, work_dir, create=False, read_only=True)
            except errors.StackNotFoundError:
                stack = None
            yield stack

    def outputs(self, target: StackTarget) -> dict[str, Any]:
        """The stack's outputs; empty when the stack does not exist. Read from its checkpoint when the backend
        allows (no CLI run), else through the CLI."""
        url = self.settings.backend_url
        if backend.stack_exists(url, target.project, target.stack) is False:
            return {}
        direct = backend.checkpoint_outputs(url, target.project, target.stack)
        if direct is not None:
            return direct

        def read() -> dict[str, Any]:
            with self._existing(target) as stack:
                return {} if stack is None else {key: value.value for key, value in stack.outputs().items()}

        return self._once_readable(read)

    def last_update(self, target: StackTarget) -> dict[str, Any] | None:
        """The stack's most recent operation: kind (update, destroy...), result and when it ended."""

        def read() -> list[Any]:
            with self._existing(target) as stack:
                return [] if stack is None else stack.history(page_size=1)

        history = self._once_readable(read)
        if not history:
            return None
        latest = history[0]
        ended = latest.end_time.isoformat() if latest.end_time else None
        return {"kind": str(latest.kind), "result": str(latest.result), "end_time": ended}

    def remove_stack(self, target: StackTarget) -> None:
        """Forget the stack: its state is deleted, whatever it records stays where it is (``pulumi stack rm
        --force``, which is refused a stack under update)."""
        from pulumi.automation import LocalWorkspace

        with private_work_dir() as work_dir:
            workspace = LocalWorkspace(**vars(self.workspace_options(target, work_dir)))
            workspace.remove_stack(qualified_stack_name(self.settings, target), force=True)

    # ---- fingerprints, kept beside the state (backend.py) ------------------------------------------------

    def fingerprints(self, project: str) -> dict[str, Fingerprint] | None:
        return backend.read_fingerprints(self.settings.backend_url, project)

    def record_fingerprint(self, target: StackTarget, fingerprint: Fingerprint | None) -> None:
        backend.write_fingerprint(self.settings.backend_url, target.project, target.stack, fingerprint)

    def resources(self, target: StackTarget) -> list[DeployedResource] | None:
        """The stack's resources from its state (`pulumi stack export`), secrets masked; None when the stack does
        not exist. What a destroy will do to each (retain_on_delete, and the inputs its provider deletes by, such
        as a bucket's forceDestroy) is read here, not assumed from the program."""

        def read() -> Any:
            with self._existing(target) as stack:
                return None if stack is None else stack.export_stack()

        exported = self._once_readable(read)
        if exported is None:
            return None
        return [
            DeployedResource(
                type=str(resource.get("type", "")),
                name=str(resource.get("urn", "")).rsplit("::", 1)[-1],
                inputs=mask_secrets(resource.get("inputs") or {}),
                retain_on_delete=bool(resource.get("retainOnDelete")),
                protect=bool(resource.get("protect")),
            )
            for resource in (exported.deployment or {}).get("resources", [])
            if resource.get("custom")  # components and the stack itself hold nothing
        ]

    def list_stacks(self, project: str) -> list[str]:
        """Stack names of ``project``. On the local file backend they are read from its directory, so listing
        needs neither the Pulumi CLI nor the passphrase (and `tenant list` stays fast)."""
        local = file_backend_dir(self.settings.backend_url)
        if local is not None:
            listed = list_file_backend(local, project)
            if listed is not None:
                return listed
        from pulumi.automation import LocalWorkspace

        self.check_passphrase()
        placeholder = StackTarget(project, "-", lambda: None)
        with private_work_dir() as work_dir:
            workspace = LocalWorkspace(**vars(self.workspace_options(placeholder, work_dir)))
            names = [summary.name for summary in workspace.list_stacks()]
        return sorted(name.rsplit("/", 1)[-1] for name in names)


def _summarised(stack: Any, events: Callable[[Any], None]) -> Callable[[Any], None]:
    """The event sink of an up: a lean stack also keeps the update's summary from it (lean.py)."""
    keeping = getattr(stack, "events", None)
    return keeping(events) if keeping is not None else events


__all__ = [
    "INSTALL_HINT",
    "PASSPHRASE_VARIABLES",
    "PulumiEngine",
    "PulumiSettings",
    "aws_plugin_version",
    "config_map",
    "describe_error",
    "project_settings",
]
