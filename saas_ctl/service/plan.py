"""Offline plan: what the platform and tenant stacks would create, synthesised under mocks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from saas_ctl.engine.base import StackResult, StackTarget
from saas_ctl.engine.synth.engine import SynthEngine
from saas_ctl.errors import EXIT_INTERRUPTED, SaasctlError, UsageError
from saas_ctl.spec.models import TenantsFile
from saas_ctl.stacks import targets


class Stopped(SaasctlError):
    exit_code = EXIT_INTERRUPTED


def plan_targets(spec: TenantsFile, tenants: Sequence[str] = ()) -> list[StackTarget]:
    """The platform and every tenant, or only the named tenants (against placeholder platform outputs)."""
    declared = [t.name for t in spec.tenants]
    unknown = [name for name in tenants if name not in declared]
    if unknown:
        raise UsageError(
            f"tenant {unknown[0]!r} is not declared", hint=f"declared tenants: {', '.join(declared) or 'none'}"
        )
    platform = targets.placeholder_platform(spec)
    chosen = [] if tenants else [targets.platform_target(spec)]
    return chosen + [targets.tenant_target(spec, name, platform) for name in (tenants or declared)]


def plan(
    spec: TenantsFile,
    tenants: Sequence[str] = (),
    stop: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> list[StackResult]:
    """Synthesise every stack; ``stop`` is asked between stacks (a signal never lands inside a synthesis),
    ``progress`` told after each (done, total)."""
    engine = SynthEngine()
    results: list[StackResult] = []
    targets = plan_targets(spec, tenants)
    for target in targets:
        if stop():
            raise Stopped(f"plan interrupted after {len(results)} stack(s); nothing was shown")
        results.append(engine.preview(target))
        progress(len(results), len(targets))
    failed = [r for r in results if not r.ok]
    if failed:
        raise SaasctlError(
            f"synthesising {failed[0].target.label} failed: {failed[0].error}",
            hint="this is a bug in saasctl's programs; please report it with your tenants.yaml",
        )
    return results
