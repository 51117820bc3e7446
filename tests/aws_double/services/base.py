"""One handler per resource type: how the real provider's Create, Read, Update and Delete call AWS for it.

A handler takes and gives plain Python in the engine's property names (camelCase, as the program's inputs): what
it reads back from AWS has the inputs' own shape, so the engine's diff of a read-back resource against the program
sees only real differences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from tests.aws_double.aws import Aws
from tests.aws_double.errors import ApiError, NotModelled
from tests.aws_double.schema import UNTRACKED

Props = dict[str, Any]


@dataclass(frozen=True)
class Created:
    id: str
    outputs: Props = field(default_factory=dict)  # what AWS computed: IDs, ARNs, endpoints


class Handler:
    type: ClassVar[str]
    kind: ClassVar[str]  # the resource as the real provider names it in messages ("ELBv2 Target Group")
    # Inputs that exist only in the provider (no AWS call changes them): an update of only these calls nothing.
    provider_only: ClassVar[frozenset[str]] = frozenset()

    def create(self, aws: Aws, inputs: Props) -> Created:
        raise NotImplementedError

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        """The resource as AWS holds it, or None when it does not exist (deleted behind the engine's back)."""
        raise NotImplementedError

    def update(self, aws: Aws, resource_id: str, olds: Props, news: Props) -> Props:
        changed = changes(olds, news)
        rest = changed - self.provider_only
        if rest:
            self.apply(aws, resource_id, olds, news, rest)
        return self.read(aws, resource_id, news) or {}

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        """Make AWS match ``news`` where ``changed``; the default knows no in-place change of this type."""
        raise NotModelled(f"the AWS double has no in-place update of {self.kind} for {sorted(changed)}")

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        raise NotImplementedError


def changes(olds: Mapping[str, Any], news: Mapping[str, Any]) -> set[str]:
    return {k for k in news if k not in UNTRACKED and not k.startswith("__") and olds.get(k) != news[k]}


H = TypeVar("H", bound=type[Handler])
REGISTRY: dict[str, Handler] = {}


def handles(cls: H) -> H:
    """Register a handler class for its resource type."""
    REGISTRY[cls.type] = cls()
    return cls


def missing(error: ApiError, *codes: str) -> bool:
    """Whether AWS answered that the thing asked for does not exist."""
    return error.code in codes or error.status == 404


def read_or_none(read: Callable[[], Props | None], *not_found: str) -> Props | None:
    try:
        return read()
    except ApiError as error:
        if missing(error, *not_found):
            return None
        raise


def without_none(values: Mapping[str, Any]) -> Props:
    return {k: v for k, v in values.items() if v is not None}


def first(items: Iterable[Any]) -> Any:
    return next(iter(items), None)
