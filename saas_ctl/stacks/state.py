"""What is deployed in an environment, as the engine's state backend says: read once per command.

A command reads the platform stack's outputs and the list of tenant stacks through one :class:`Deployed`
value and hands it down, so each is asked of the backend at most once (each read is a Pulumi CLI run, or a
request to the backend); a command that changes the platform reads it again afterwards
(:meth:`Deployed.platform_changed`).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from infra.outputs import SUSPENDED_OUTPUT, PlatformOutputs
from saas_ctl.aws import hooks
from saas_ctl.engine import base as engine_base
from saas_ctl.errors import Refused
from saas_ctl.orchestration.session import Session
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import ownership, targets

_UNKNOWN = object()
OUTPUT_READS_AT_ONCE = 8


def check_engine(session: Session, operating: bool = False) -> None:
    """Let the engine refuse early (no CLI, no passphrase) instead of failing every stack the same way;
    ``operating``: before stack operations (before preflight too), what they need beyond reading state, such as
    the provider plugin (installed then, or refused with how to install it)."""
    engine_base.check_ready(session.engine)
    if operating:
        engine_base.prepare(session.engine)


class Deployed:
    """The platform stack's outputs and the tenant stacks of one environment, each read from the engine the
    first time it is needed and never again (thread-safe). Reading them refuses stacks of another environment
    (``ownership``): a platform stack recorded for another Region or account, a tenant stacks' project that
    another environment of the backend shares."""

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
        self._tenant_outputs: dict[str, dict[str, Any]] = {}
        self._account: object = _UNKNOWN
        self._lock = threading.Lock()

    @property
    def platform_stack(self) -> dict[str, Any]:
        """The platform stack's outputs as the engine gives them; empty when it is not deployed. The engine is
        asked to be ready first (no CLI, no passphrase: reading outputs needs both)."""
        with self._lock:
            if self._platform_stack is None:
                check_engine(self._session)
                target = targets.platform_target(self._spec)
                outputs = self._session.engine.outputs(target)
                ownership.refuse_foreign_platform(self._spec, target.label, outputs, self._account_locked(outputs))
                self._platform_stack = outputs
            return dict(self._platform_stack)

    @property
    def tenants(self) -> list[str]:
        """The tenant stacks that exist (declared or not); listing them may need neither CLI nor passphrase."""
        with self._lock:
            if self._tenants is None:
                project = targets.tenants_project(self._spec)
                ownership.refuse_shared_tenants_project(self._spec, project, self._session.engine.list_stacks)
                self._tenants = self._session.engine.list_stacks(project)
            return list(self._tenants)

    def refuse_foreign_tenants(self, names: list[str]) -> None:
        """Refused when a stack among ``names`` (tenant stacks about to be destroyed, say) records another
        environment, Region or account; each stack's outputs are read once."""
        outputs = {name: self.tenant_outputs(name) for name in names}
        deployed = next((o for o in outputs.values() if o), {})
        with self._lock:
            account = self._account_locked(deployed)
        project = targets.tenants_project(self._spec)
        ownership.refuse_foreign_tenants(self._spec, project, names, outputs.__getitem__, account)

    def tenant_outputs(self, name: str) -> dict[str, Any]:
        """A tenant stack's outputs (read once); empty when it does not exist. Read outside the lock, so that
        several stacks' outputs can be read at once."""
        with self._lock:
            known = self._tenant_outputs.get(name)
        if known is None:
            known = self._session.engine.outputs(targets.orphan_target(self._spec, name))
            with self._lock:
                known = self._tenant_outputs.setdefault(name, known)
        return dict(known)

    def resuming(self, spec: TenantsFile, names: list[str]) -> set[str]:
        """The tenants among ``names`` whose deployed stack is suspended while ``spec`` (the file about to be
        deployed) no longer says so: their deploy sets the service's desired count back. Each deployed stack's
        outputs are read (once)."""
        suspended = {t.name for t in spec.tenants if t.suspended}
        deployed = set(self.tenants)
        candidates = [n for n in names if n in deployed and n not in suspended]
        outputs = self.outputs_of(candidates)
        return {name for name, found in outputs.items() if found.get(SUSPENDED_OUTPUT) is True}

    def outputs_of(self, names: list[str]) -> dict[str, dict[str, Any]]:
        """The outputs of the named deployed tenant stacks, each read once (kept, as ``tenant_outputs``)."""
        if not names:
            return {}
        # Each read is a Pulumi CLI run (about 0.5 s): a fleet's are read a few at once, as `tenant list --live` does.
        with ThreadPoolExecutor(max_workers=min(OUTPUT_READS_AT_ONCE, len(names))) as pool:
            return dict(zip(names, pool.map(self.tenant_outputs, names), strict=True))

    def _account_locked(self, outputs: dict[str, Any]) -> str | None:
        """The credentials' account, asked (once) only when a deployed stack is to be compared with it."""
        if not outputs:
            return None
        if self._account is _UNKNOWN:
            self._account = hooks.caller_account(self._session, self._spec.platform.region)
        return self._account if isinstance(self._account, str) else None

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
            changed = Deployed(self._session, self._spec, None, self._tenants)
            changed._account = self._account
            changed._tenant_outputs = dict(self._tenant_outputs)  # a platform deploy changes no tenant stack
            return changed


def read(session: Session, spec: TenantsFile) -> Deployed:
    """What is deployed, for one command: each part is read when first needed, then kept."""
    return Deployed(session, spec)
