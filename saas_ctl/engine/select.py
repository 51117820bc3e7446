"""Choosing the engine: ``SAASCTL_ENGINE`` is ``pulumi`` (default), ``synth``, or ``module:attribute`` naming a
factory that returns an Engine (so anyone can drive the whole CLI with an engine of their own)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from saas_ctl import settings
from saas_ctl.engine.base import Engine
from saas_ctl.errors import UsageError

if TYPE_CHECKING:
    from saas_ctl.state.location import StateLocation

VARIABLE = settings.ENGINE.name
OPERATIONS = ("preview", "up", "destroy", "refresh", "outputs", "list_stacks")


def engine_from_environment(workdir: Path, backend: str | None = None, location: StateLocation | None = None) -> Engine:
    """The chosen engine behind one error boundary (``saas_ctl.engine.guard``). ``location``: the state the
    command resolved (saas_ctl.state.location); without it, ``backend`` or the defaults under ``workdir``."""
    from saas_ctl.engine.guard import guarded

    return guarded(_chosen(workdir, backend, location))


def _chosen(workdir: Path, backend: str | None, location: StateLocation | None) -> Engine:
    choice = settings.ENGINE.value()
    if choice == "pulumi":
        from saas_ctl.engine.pulumi.engine import PulumiEngine, PulumiSettings

        if location is not None:
            return PulumiEngine(PulumiSettings.at(location, workdir))
        return PulumiEngine(PulumiSettings.resolve(workdir, backend))
    if choice == "synth":
        from saas_ctl.engine.synth.engine import SynthEngine

        return SynthEngine()
    return _plugged_in(choice)


def _plugged_in(spec: str) -> Engine:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise UsageError(
            f"{VARIABLE}={spec!r} is not valid",
            hint="use pulumi, synth, or module:attribute naming a factory that returns an Engine",
        )
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise UsageError(f"{VARIABLE}={spec!r}: cannot load it ({exc})") from None
    try:
        engine = factory() if callable(factory) and not _is_engine(factory) else factory
    except Exception as exc:
        raise UsageError(f"{VARIABLE}={spec!r}: the factory failed ({type(exc).__name__}: {exc})") from None
    if not _is_engine(engine):
        missing = [name for name in OPERATIONS if not callable(getattr(engine, name, None))]
        raise UsageError(f"{VARIABLE}={spec!r} did not give an Engine (missing: {', '.join(missing)})")
    return engine  # type: ignore[no-any-return]


def _is_engine(candidate: object) -> bool:
    return not isinstance(candidate, type) and all(callable(getattr(candidate, n, None)) for n in OPERATIONS)
