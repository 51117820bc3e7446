"""The Engine protocol and the values that cross it (DESIGN.md, decision 3).

Pure: no pulumi import, so the CLI and the orchestrator can be loaded and tested without it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

# Defined apart so that the CLI can name them without loading this module; re-exported as part of the seam.
from saas_ctl.engine.changes import ChangeOp as ChangeOp
from saas_ctl.engine.changes import PropertyChange as PropertyChange
from saas_ctl.engine.changes import ResourceChange as ResourceChange
from saas_ctl.engine.fingerprints import Fingerprint as Fingerprint
from saas_ctl.engine.operations import ErrorKind as ErrorKind
from saas_ctl.engine.operations import Operation as Operation
from saas_ctl.engine.operations import Status as Status


@dataclass(frozen=True)
class StackTarget:
    """One Pulumi stack: its project and name, the inline program that defines it, and its config."""

    project: str
    stack: str
    program: Callable[[], None]
    config: Mapping[str, str] = field(default_factory=dict)
    kind: Literal["platform", "tenant"] = "tenant"
    tenant: str | None = None
    # What produced it: recorded by a successful up (by engines that keep fingerprints); None: nothing recorded.
    fingerprint: Fingerprint | None = field(default=None, compare=False)
    refresh: bool = False  # up: refresh the state from the cloud first (`apply --refresh`)

    @property
    def label(self) -> str:
        return f"{self.project}/{self.stack}"


@dataclass(frozen=True)
class PlannedResource:
    """A resource a program declares: its Pulumi type token, logical name and inputs (secrets masked)."""

    type: str
    name: str
    inputs: dict[str, Any]
    provider: str | None = None  # URN of the explicit provider, if any
    depends_on: tuple[str, ...] = ()  # URNs of explicit dependencies
    # The resource options that decide day-2 behaviour, as the engine receives them (see DAY_TWO_OPTIONS).
    options: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "name": self.name, "inputs": self.inputs, "options": self.options}


# Resource options a reviewer needs to see to know what destroy, replace and re-add will do.
DAY_TWO_OPTIONS = ("protect", "retainOnDelete", "deleteBeforeReplace", "import", "ignoreChanges", "dependsOn")


@dataclass(frozen=True)
class EngineEvent:
    """Progress of one stack operation: resources done of total and what is happening now."""

    target: str
    done: int
    total: int | None
    current: str | None = None


EventSink = Callable[[EngineEvent], None]


@dataclass(frozen=True)
class StackResult:
    target: StackTarget
    operation: Operation
    status: Status
    changes: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    resources: tuple[PlannedResource, ...] = ()
    # Why it failed, for callers that react to it; None when it succeeded or the reason is not classified.
    error_kind: ErrorKind | None = None
    # What the reader must know about this result whatever its status (the synth engine: nothing deployed).
    note: str | None = None
    # Resource by resource, what the operation changes (a preview) or changed, replacements and deletes first;
    # None when the engine does not say (an engine of one's own need not), () when nothing changes.
    changes_detail: tuple[ResourceChange, ...] | None = None
    # Why the stack ran, or was skipped (`apply`: its fingerprint; None when there was nothing to decide).
    reason: str | None = None

    @property
    def changes_pending(self) -> bool:
        """Whether the operation changes (a preview: would change) anything at all."""
        return any(count for op, count in self.changes.items() if op != "same") or bool(self.changes_detail)

    @property
    def ok(self) -> bool:
        """Nothing went wrong: it succeeded, or it was left unchanged."""
        return self.status in (Status.SUCCEEDED, Status.UNCHANGED)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.target.project,
            "stack": self.target.stack,
            "kind": self.target.kind,
            "tenant": self.target.tenant,
            "operation": str(self.operation),
            "status": str(self.status),
            "changes": self.changes,
            "outputs": self.outputs,
            "error": self.error,
            "error_kind": self.error_kind,
            "note": self.note,
            "changes_detail": None
            if self.changes_detail is None
            else [change.to_json() for change in self.changes_detail],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DeployedResource:
    """One resource as the stack's state records it after the engine's last operation: what a destroy will act
    on (the program is not run for a destroy), read back rather than assumed from the program."""

    type: str
    name: str  # logical name
    inputs: dict[str, Any]  # secrets masked
    retain_on_delete: bool = False  # a destroy leaves it in the account
    protect: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "name": self.name,
            "inputs": self.inputs,
            "retain_on_delete": self.retain_on_delete,
            "protect": self.protect,
        }


class Engine(Protocol):
    def preview(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult: ...
    def up(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult: ...
    def destroy(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult: ...
    def refresh(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult: ...
    def outputs(self, target: StackTarget) -> dict[str, Any]: ...
    def list_stacks(self, project: str) -> list[str]: ...


@dataclass(frozen=True)
class Capabilities:
    """What an engine offers beyond the six operations, declared as its ``capabilities`` attribute. An engine
    that declares nothing offers nothing more, and deploys to AWS."""

    check_ready: bool = False  # check_ready(): refuse before any stack is touched (no CLI, no passphrase)
    # prepare(): before stack operations (not reads), make ready what they need or refuse (a provider plugin)
    prepare: bool = False
    cancel: bool = False  # cancel(label): stop the running operation of one stack (Ctrl-C, SIGTERM)
    last_update: bool = False  # last_update(target): the stack's most recent update, or None
    deploys_to_aws: bool = True  # False: nothing to wait for or look up in AWS after its operations
    # fingerprints(project) and record_fingerprint(target, fingerprint): what produced each stack, kept beside
    # its state, so that `apply` skips the stacks whose inputs did not change
    fingerprints: bool = False
    # drift(target, on_event): a refresh-preview, changing nothing, whose changes_detail says, resource by
    # resource, each property the cloud holds differently from the state (old: expected, new: found)
    drift: bool = False
    # resources(target): the stack's resources as its state records them (None: no such stack)
    resources: bool = False


class ChecksReadiness(Protocol):
    def check_ready(self) -> None: ...


class Prepares(Protocol):
    def prepare(self) -> None: ...


class Cancels(Protocol):
    def cancel(self, label: str) -> None: ...


class KeepsHistory(Protocol):
    def last_update(self, target: StackTarget) -> dict[str, Any] | None: ...


class FindsDrift(Protocol):
    def drift(self, target: StackTarget, on_event: EventSink | None = None) -> StackResult: ...


class RecordsFingerprints(Protocol):
    def fingerprints(self, project: str) -> dict[str, Fingerprint] | None: ...
    def record_fingerprint(self, target: StackTarget, fingerprint: Fingerprint | None) -> None: ...


class ReadsState(Protocol):
    def resources(self, target: StackTarget) -> list[DeployedResource] | None: ...


def capabilities(engine: object) -> Capabilities:
    """What the engine declares; an engine written to the earlier protocol (no ``capabilities`` attribute at all)
    offers what its methods say for ``cancel``, the one capability it was asked for by method alone: Ctrl-C and
    SIGTERM keep cancelling it."""
    declared = getattr(engine, "capabilities", None)
    if isinstance(declared, Capabilities):
        return declared
    if declared is None and callable(getattr(engine, "cancel", None)):
        return Capabilities(cancel=True)
    return Capabilities()


def check_ready(engine: object) -> None:
    """Let the engine refuse early, if it can."""
    if capabilities(engine).check_ready:
        cast(ChecksReadiness, engine).check_ready()


def prepare(engine: object) -> None:
    """Let the engine make ready what its stack operations need (or refuse), if it can."""
    if capabilities(engine).prepare:
        cast(Prepares, engine).prepare()


def cancel(engine: object, label: str) -> None:
    """Ask the engine to stop one stack's running operation, if it can."""
    if capabilities(engine).cancel:
        cast(Cancels, engine).cancel(label)


def last_update(engine: object, target: StackTarget) -> dict[str, Any] | None:
    """The stack's most recent update (kind, result, end time), from an engine that keeps a history."""
    return cast(KeepsHistory, engine).last_update(target) if capabilities(engine).last_update else None


def recorded_fingerprints(engine: object, project: str) -> dict[str, Fingerprint] | None:
    """Every stack of ``project`` with the fingerprint of its last successful up, read at once; None when the
    engine keeps none or cannot read them (then every stack runs)."""
    if not capabilities(engine).fingerprints:
        return None
    return cast(RecordsFingerprints, engine).fingerprints(project)


def record_fingerprint(engine: object, target: StackTarget, fingerprint: Fingerprint | None) -> None:
    """Record what produced ``target`` after a successful up; None forgets it (before any operation that may
    change the stack, so that one which fails or is interrupted leaves no record)."""
    if capabilities(engine).fingerprints:
        cast(RecordsFingerprints, engine).record_fingerprint(target, fingerprint)


def resources(engine: object, target: StackTarget) -> list[DeployedResource] | None:
    """The stack's resources as its state records them; None when the stack does not exist or the engine
    cannot say (it does not declare the capability)."""
    return cast(ReadsState, engine).resources(target) if capabilities(engine).resources else None
