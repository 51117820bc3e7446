"""What is deployed in an environment, as the engine's state backend says: read once per command.

A command reads the platform stack's outputs and the list of tenant stacks through one :class:`Deployed`
value and hands it down, so each is asked of the backend at most once (each read is a Pulumi CLI run, or a
request to the backend); a command that changes the platform reads it again afterwards
(:meth:`Deployed.platform_changed`).
"""

from __future__ import annotations

import threading
from typing import Any

from infra.outputs import PlatformOutputs
from saas_ctl.engine import base as engine_base
from saas_ctl.errors import Refused
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import targets


def check_engine(session: Session, operating: bool = False) -> None:
    """Let the engine refuse early (no CLI, no passphrase) instead of failing every stack the same way;
    ``operating``: before stack operations (before preflight too), what they need beyond reading state, such as
    the provider plugin (installed then, or refused with how to install it)."""
    engine_base.check_ready(session.engine)
    if operating:
        engine_base.prepare(session.engine)


class Deployed:
    """The platform stack's outputs and the tenant stacks of one environment, each read from the engine the
    first time it is needed and never again (thread-safe)."""

    def __init__(
        self,
        session: Session,
        spec: TenantsFile,
        platform_stack: dict[str, Any] | None = None,
        tenants: list[str] | None = None,
    ) -> None:
        self._session = session
        self._spec = spec
        self._platform_stack = platform_stack
        self._tenants = tenants
        self._lock = threading.Lock()

    @property
    def platform_stack(self) -> dict[str, Any]:
        """The platform stack's outputs as the engine gives them; empty when it is not deployed. The engine is
        asked to be ready first (no CLI, no passphrase: reading outputs needs both)."""
        with self._lock:
            if self._platform_stack is None:
                check_engine(self._session)
                self._platform_stack = self._session.engine.outputs(targets.platform_target(self._spec))
            return dict(self._platform_stack)

    @property
    def tenants(self) -> list[str]:
        """The tenant stacks that exist (declared or not); listing them may need neither CLI nor passphrase."""
        with self._lock:
            if self._tenants is None:
                self._tenants = self._session.engine.list_stacks(targets.tenants_project(self._spec))
            return list(self._tenants)

    def platform(self) -> PlatformOutputs:
        """The deployed platform's outputs; refuses when the platform is not deployed."""
        outputs = self.platform_stack
        spec = self._spec
        if not outputs:
            raise Refused(
                f"the platform stack {targets.platform_project(spec)}/{spec.platform.environment} is not deployed",
                hint="run `saasctl platform up` first",
            )
        try:
            return PlatformOutputs.from_stack_outputs(outputs)
        except KeyError as exc:
            raise Refused(str(exc.args[0]), hint="run `saasctl platform up` to update the platform stack") from None

    def platform_changed(self) -> Deployed:
        """After this command changed the platform stack: its outputs are read again, the tenant stacks are not."""
        with self._lock:
            return Deployed(self._session, self._spec, None, self._tenants)


def read(session: Session, spec: TenantsFile) -> Deployed:
    """What is deployed, for one command: each part is read when first needed, then kept."""
    return Deployed(session, spec)
