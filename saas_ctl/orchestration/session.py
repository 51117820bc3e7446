"""What one command's stack operations run with: the engine, the tenants file, where AWS is, and the
command's progress listener and cancellation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from saas_ctl import settings
from saas_ctl.engine.base import Engine
from saas_ctl.orchestration.orchestrator import Cancellation, Listener, Options, Orchestrator


@dataclass(frozen=True)
class Session:
    """What one command's stack operations run with; it does not change while they run. The listener comes
    with the command's progress display (``with_listener``); the cancellation is the command's one cancel,
    shared by every orchestrator the session starts."""

    engine: Engine
    file: Path
    endpoint_url: str | None = None  # a local AWS emulator (`saasctl local`), or None for AWS
    options: Options = field(default_factory=Options)
    listener: Listener | None = None
    cancellation: Cancellation = field(default_factory=Cancellation)
    rollout_timeout: float = settings.ROLLOUT_TIMEOUT_DEFAULT  # seconds a deploy waits for a tenant's service

    def orchestrator(self, options: Options | None = None) -> Orchestrator:
        return Orchestrator(self.engine, options or self.options, self.listener, cancellation=self.cancellation)

    def with_listener(self, listener: Listener) -> Session:
        return replace(self, listener=listener)
