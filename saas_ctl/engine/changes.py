"""What a stack operation changes, resource by resource: the values an engine hands back with its result
(``StackResult.changes_detail``) for the CLI to show before it asks, and for ``--json``.

Pure: no pulumi import. Values are as the engine reports them with every secret masked: a secret is a mapping
keyed by Pulumi's secret signature (in mock inputs and in the engine's event log alike), or the engine's own
``[secret]``; a value not known until the deploy runs is the engine's unknown placeholder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from infra.data_resources import data_resource

# Pulumi's marker of a secret value: the key of the mapping that wraps one in mock inputs and in the engine's
# serialised state (pulumi/pulumi sdk/go/common/resource/sig/sig.go, Secret).
SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"
MASK = "[secret]"
# What the engine serialises for a value computed during the deploy (pkg/resource/stack/deployment.go,
# computedValuePlaceholder), shown as what it is.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
KNOWN_AFTER_DEPLOY = "(known after the deploy)"


def mask_secrets(value: Any) -> Any:
    """``value`` with every secret inside it replaced by ``[secret]``."""
    if isinstance(value, dict):
        if SECRET_SIGNATURE in value:
            return MASK
        return {k: mask_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def shown(value: Any) -> Any:
    """A property value as a person may see it: secrets masked, values computed later said to be."""
    masked = mask_secrets(value)
    if masked == UNKNOWN:
        return KNOWN_AFTER_DEPLOY
    if isinstance(masked, dict):
        return {k: shown(v) for k, v in masked.items()}
    if isinstance(masked, list):
        return [shown(v) for v in masked]
    return masked


class ChangeOp(StrEnum):
    """What happens to one resource, in the order a reader must see them: what is lost first."""

    REPLACE = "replace"
    DELETE = "delete"
    CREATE = "create"
    UPDATE = "update"
    IMPORT = "import"

    @property
    def rank(self) -> int:
        return list(ChangeOp).index(self)

    @property
    def destructive(self) -> bool:
        return self in (ChangeOp.REPLACE, ChangeOp.DELETE)


# How each operation is marked at the start of its line (Pulumi's own marks: `+-` replace, `-` delete, ...).
MARKS = {
    ChangeOp.REPLACE: "+-",
    ChangeOp.DELETE: "-",
    ChangeOp.CREATE: "+",
    ChangeOp.UPDATE: "~",
    ChangeOp.IMPORT: "=",
}


@dataclass(frozen=True, slots=True)
class PropertyChange:
    """One property of a resource that changes: its path (``tags.Name``, ``routes[0].cidrBlock``), its old and
    new values (secrets masked; ``None`` where it has none) and whether changing it forces a replacement."""

    path: str
    old: Any
    new: Any
    replaces: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new, "replaces": self.replaces}


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """One resource a stack operation creates, updates, replaces, deletes or imports. ``replace_keys``: for a
    replacement, the properties that force it; ``properties``: what changes in it, old and new."""

    op: ChangeOp
    type: str  # the Pulumi type token: aws:ec2/vpc:Vpc
    name: str  # the logical name in the program: network-vpc
    urn: str = ""
    replace_keys: tuple[str, ...] = ()
    properties: tuple[PropertyChange, ...] = ()

    @property
    def data_resource(self) -> str | None:
        """What data this resource holds (``the VPC``, ``a bucket``...), if it is one whose loss matters."""
        return data_resource(self.type)

    @property
    def loses_data(self) -> bool:
        """A replacement or delete of a resource that holds data: said on its own line before anyone says yes."""
        return self.op.destructive and self.data_resource is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "op": str(self.op),
            "type": self.type,
            "name": self.name,
            "urn": self.urn,
            "replace_keys": list(self.replace_keys),
            "data_resource": self.data_resource,
            "properties": [p.to_json() for p in self.properties],
        }


def ordered(changes: Iterable[ResourceChange]) -> tuple[ResourceChange, ...]:
    """Replacements first, then deletes, creates, updates and imports; by logical name within each."""
    return tuple(sorted(changes, key=lambda c: (c.op.rank, c.name, c.type)))


def counts(changes: Sequence[ResourceChange]) -> dict[str, int]:
    """The change summary the resources add up to (``{"replace": 15, "update": 11}``)."""
    summary: dict[str, int] = {}
    for change in changes:
        summary[str(change.op)] = summary.get(str(change.op), 0) + 1
    return summary


def property_changes(
    paths: Iterable[str], old: dict[str, Any], new: dict[str, Any], replacing: Iterable[str] = ()
) -> tuple[PropertyChange, ...]:
    """The named property paths of a resource, each with its old and new value (shown as a person may see
    them); a path forces the replacement when it, or the top-level property it is in, is in ``replacing``."""
    forcing = set(replacing)
    found = []
    for path in paths:
        top = split_path(path)[0] if path else path
        found.append(
            PropertyChange(
                path,
                shown(value_at(old, path)),
                shown(value_at(new, path)),
                path in forcing or str(top) in forcing,
            )
        )
    return tuple(found)


def split_path(path: str) -> list[str | int]:
    """A Pulumi property path as keys and indexes: ``routes[0].cidrBlock`` -> ``["routes", 0, "cidrBlock"]``,
    ``tags["a.b"]`` -> ``["tags", "a.b"]``."""
    parts: list[str | int] = []
    i, key = 0, ""
    while i < len(path):
        char = path[i]
        if char == ".":
            if key:
                parts.append(key)
            key = ""
        elif char == "[":
            if key:
                parts.append(key)
            key = ""
            end = path.find("]", i)
            end = len(path) if end < 0 else end
            inner = path[i + 1 : end]
            if inner.startswith('"') and inner.endswith('"') and len(inner) >= 2:
                parts.append(inner[1:-1])
            elif inner.isdigit():
                parts.append(int(inner))
            else:
                parts.append(inner)
            i = end
        else:
            key += char
        i += 1
    if key:
        parts.append(key)
    return parts


def value_at(values: Any, path: str) -> Any:
    """The value at ``path`` in nested mappings and lists; None where there is none."""
    current = values
    for part in split_path(path):
        in_list = isinstance(part, int) and isinstance(current, list) and part < len(current)
        in_mapping = isinstance(part, str) and isinstance(current, dict) and part in current
        if not (in_list or in_mapping):
            return None
        current = current[part]
    return current
