"""The engine's step events as :class:`ResourceChange` values: what a preview says each resource will go
through, with the properties that force a replacement and each changed property's old and new value.

Read from ``pulumi.automation`` events (``ResourcePreEvent.metadata``: a ``StepEventMetadata`` with ``op``,
``urn``, ``type``, ``keys``, ``diffs``, ``detailed_diff`` and the ``old``/``new`` state), duck-typed so that
this module needs no pulumi import. A replacement is three steps of one URN (``create-replacement``,
``replace``, ``delete-replaced``, in either order): one change. Steps that change nothing (``same``, reads,
refreshes, discards) are left out.
"""

from __future__ import annotations

import threading
from typing import Any

from saas_ctl.engine.changes import ChangeOp, ResourceChange, ordered, property_changes

# Step kinds (pulumi.automation.events.OpType, the engine's display.StepOp) -> the change a reader sees.
STEP_OPS = {
    "create": ChangeOp.CREATE,
    "update": ChangeOp.UPDATE,
    "delete": ChangeOp.DELETE,
    "replace": ChangeOp.REPLACE,
    "create-replacement": ChangeOp.REPLACE,
    "delete-replaced": ChangeOp.REPLACE,
    "import": ChangeOp.IMPORT,
    "import-replacement": ChangeOp.REPLACE,
}


def logical_name(urn: str) -> str:
    """The resource's name in its program: the URN's last part (``urn:pulumi:s::p::t::network-vpc``)."""
    return urn.rsplit("::", 1)[-1]


def _state(metadata: Any, which: str) -> dict[str, Any]:
    state = getattr(metadata, which, None)
    return dict(getattr(state, "inputs", None) or {}) if state is not None else {}


def step_change(metadata: Any) -> ResourceChange | None:
    """One step event's change; None for a step that changes nothing."""
    op = getattr(metadata.op, "value", metadata.op)
    kind = STEP_OPS.get(str(op))
    if kind is None:
        return None
    # Sorted: the engine lists them in no stable order, and a reader compares previews.
    replace_keys = tuple(sorted(metadata.keys or ())) if kind is ChangeOp.REPLACE else ()
    properties: tuple[Any, ...] = ()
    if kind in (ChangeOp.UPDATE, ChangeOp.REPLACE):
        detailed = dict(metadata.detailed_diff or {})
        paths = list(detailed) or list(metadata.diffs or ())
        # A provider's detailed diff says which paths force the replacement (kinds add-replace, update-replace...).
        forcing = [*replace_keys, *(p for p, d in detailed.items() if str(d.diff_kind.value).endswith("-replace"))]
        properties = property_changes(paths, _state(metadata, "old"), _state(metadata, "new"), forcing)
    return ResourceChange(kind, str(metadata.type), logical_name(metadata.urn), metadata.urn, replace_keys, properties)


def _richer(first: ResourceChange, second: ResourceChange) -> ResourceChange:
    """Of two steps of one replacement, the one that says more (the ``replace`` step carries keys and diffs)."""

    def said(change: ResourceChange) -> int:
        return len(change.properties) + len(change.replace_keys)

    return second if said(second) > said(first) else first


class ChangeRecorder:
    """Collects an operation's step events (called with every engine event) into one change per resource."""

    def __init__(self) -> None:
        self._by_urn: dict[str, ResourceChange] = {}
        self._lock = threading.Lock()

    def __call__(self, event: Any) -> None:
        pre = getattr(event, "resource_pre_event", None)
        if pre is None:
            return
        change = step_change(pre.metadata)
        if change is None:
            return
        with self._lock:
            earlier = self._by_urn.get(change.urn)
            self._by_urn[change.urn] = change if earlier is None else _richer(earlier, change)

    def changes(self) -> tuple[ResourceChange, ...]:
        with self._lock:
            return ordered(self._by_urn.values())


class DriftRecorder(ChangeRecorder):
    """A refresh-preview's findings (called with every engine event): each resource whose read differs from the
    state, with the properties that differ (old: as the state has it, new: as the cloud answered), or that the
    cloud no longer has (a delete). The engine reports them as the refresh's resource outputs, op ``update``
    or ``delete``, with ``diffs`` naming the top-level properties."""

    def __call__(self, event: Any) -> None:
        outputs = getattr(event, "res_outputs_event", None)
        if outputs is None:
            return
        metadata = outputs.metadata
        op = str(getattr(metadata.op, "value", metadata.op))
        if op not in ("update", "delete"):
            return
        old, new = _outputs(metadata, "old"), _outputs(metadata, "new")
        if op == "delete":
            change = ResourceChange(ChangeOp.DELETE, str(metadata.type), logical_name(metadata.urn), metadata.urn)
        else:
            paths = list(metadata.diffs or ()) or sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            change = ResourceChange(
                ChangeOp.UPDATE,
                str(metadata.type),
                logical_name(metadata.urn),
                metadata.urn,
                properties=property_changes(paths, old, new, []),
            )
        with self._lock:
            self._by_urn[change.urn] = change


def _outputs(metadata: Any, which: str) -> dict[str, Any]:
    state = getattr(metadata, which, None)
    return dict(getattr(state, "outputs", None) or {}) if state is not None else {}
