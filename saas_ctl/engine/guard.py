"""One error boundary around every call into an engine, wherever it is made.

An engine is code saasctl does not control (``SAASCTL_ENGINE=module:attr``, or the Pulumi CLI behind
PulumiEngine). Whatever it raises — including ``SystemExit``, which would otherwise end a run with exit 0 and
no summary — becomes an :class:`EngineFailure` naming the call and the stack: exit 1, one line, one JSON
document under ``--json``. saasctl's own errors (a missing passphrase, a missing CLI) pass through as they are,
and so does ``KeyboardInterrupt`` (the user's Ctrl-C).
"""

from __future__ import annotations

import functools
from typing import Any, cast

from saas_ctl.engine.base import Engine
from saas_ctl.errors import SaasctlError, shortened


class EngineFailure(SaasctlError):
    """The engine raised: exit 1."""


def _subject(args: tuple[Any, ...]) -> str:
    label = getattr(args[0], "label", None) if args else None
    if isinstance(label, str):
        return f" of {label}"
    if args and isinstance(args[0], str):
        return f" of {args[0]}"
    return ""


class GuardedEngine:
    """Every callable attribute of the engine, behind the boundary; other attributes as they are."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    @property
    def inner(self) -> object:
        return self._inner

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)  # an optional capability the engine lacks stays missing
        if not callable(attribute):
            return attribute

        @functools.wraps(attribute)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return attribute(*args, **kwargs)
            except SaasctlError:
                raise
            except (Exception, SystemExit) as exc:
                detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                raise EngineFailure(shortened(f"the engine failed in {name}{_subject(args)}: {detail}", 1000)) from None

        return guarded


def guarded(engine: object) -> Engine:
    return cast(Engine, GuardedEngine(engine))
