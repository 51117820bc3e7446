"""`saasctl state rm STACK`: forget a stack saasctl cannot get past (left empty by a failed first deploy,
or whose resources are already gone), without touching anything in AWS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saas_ctl.errors import Refused, UsageError
from saas_ctl.state.stacks import StackName
from saas_ctl.state.storage import Backend

SHOWN = 20  # resources named in a refusal; the rest counted


@dataclass(frozen=True)
class Resource:
    type: str
    name: str

    def __str__(self) -> str:
        return f"{self.type} {self.name}"


def resources(files: Backend, stack: StackName) -> list[Resource]:
    """What the stack's state records as deployed (the stack itself and its providers are bookkeeping)."""
    document = files.checkpoint(stack.project, stack.stack)
    if document is None:
        raise UsageError(f"stack {stack.label} does not exist in {files.url}", hint="`saasctl tenant list` lists them")
    latest = (document.get("checkpoint") or {}).get("latest") or {}
    found = []
    for resource in latest.get("resources") or []:
        kind = str(resource.get("type", ""))
        if kind == "pulumi:pulumi:Stack" or kind.startswith("pulumi:providers:"):
            continue
        found.append(Resource(kind, str(resource.get("urn", "")).rsplit("::", 1)[-1]))
    return found


def refuse_unless_empty(stack: StackName, recorded: list[Resource], force: bool) -> None:
    if not recorded or force:
        return
    named = "; ".join(str(r) for r in recorded[:SHOWN])
    more = f"; and {len(recorded) - SHOWN} more" if len(recorded) > SHOWN else ""
    raise Refused(
        f"stack {stack.label} still records {len(recorded)} resource(s), which saasctl would forget (they would "
        f"stay in AWS, unmanaged): {named}{more}",
        hint="destroy it instead (`saasctl tenant destroy` / `saasctl platform destroy`), or, if those resources "
        f"are gone or you will import them, `saasctl state rm {stack.label} --force`",
    )


@dataclass(frozen=True)
class Forgotten:
    stack: StackName
    resources: list[Resource]

    def to_json(self) -> dict[str, Any]:
        return {"stack": self.stack.label, "forgotten": [{"type": r.type, "name": r.name} for r in self.resources]}


def forget(files: Backend, stack: StackName, remove: Any, force: bool = False) -> Forgotten:
    """Refuse a stack that records resources (unless ``force``), then ``remove(stack)``: the Pulumi CLI's
    ``stack rm --force``, so its history and backups go the way Pulumi's own do."""
    recorded = resources(files, stack)
    refuse_unless_empty(stack, recorded, force)
    remove(stack)
    return Forgotten(stack, recorded)
