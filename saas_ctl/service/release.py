"""`saasctl release IMAGE`, `release resume ID`, `release status [ID]`: a new image shipped to the fleet in waves.

The file and a stopped release: the release writes its image into ``defaults.image`` (and, with
``--include-pinned``, into the pinned tenants' own ``image``) before its first wave. When it stops (a failed gate,
an interrupt) the file is set back to the images it had, and the release is recorded as partial: the record says
which tenants run the new image (the canary and the waves that passed). Why: the file then names the image that
is known to work, so an `apply` or `tenant up` meanwhile can only take tenants back to it, never spread an image
that has just failed a gate to tenants it has not reached. `release resume` writes the release's image again and
carries on from the wave that stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from saas_ctl.aws import hooks
from saas_ctl.errors import EXIT_FAILED, ExitStatus, Refused, UsageError
from saas_ctl.releases import plan
from saas_ctl.releases.gate import Gate
from saas_ctl.releases.record import Release, ReleaseStatus, TenantEntry, new_id, now, records_for, this_runner
from saas_ctl.releases.waves import Runner
from saas_ctl.spec import loader, store
from saas_ctl.spec.models import resolve
from saas_ctl.stacks import state

if TYPE_CHECKING:
    from saas_ctl.orchestration.orchestrator import RunReport
    from saas_ctl.orchestration.session import Session
    from saas_ctl.releases.record import RecordStore
    from saas_ctl.service.interaction import Interaction
    from saas_ctl.spec.loader import LoadedSpec
    from saas_ctl.stacks.state import Deployed


@dataclass(frozen=True)
class ReleaseRequest:
    image: str
    canary: str = plan.DEFAULT_CANARY
    waves: str = plan.DEFAULT_WAVES
    bake: float = 0.0
    check_path: str | None = None
    max_failures: int = 0
    include_pinned: bool = False
    force: bool = False
    yes: bool = False


@dataclass
class ReleaseOutcome:
    """The release as recorded after the run, the run's stack reports, and lines a person reads after it."""

    release: Release
    reports: list[RunReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def records(backend_url: str, loaded: LoadedSpec) -> RecordStore:
    return records_for(backend_url, loaded.spec.platform.project, loaded.spec.platform.environment)


def start(session: Session, ui: Interaction, request: ReleaseRequest, backend_url: str) -> ReleaseOutcome:
    """Refused before anything changes: an invalid image or flag, no platform, no tenant to release to, or another
    release open (unless ``force``). At a terminal the waves are shown and asked about (``yes`` skips that)."""
    _check_image(request.image)
    _check_path(request.check_path)
    shares = plan.parse_waves(request.waves)
    loaded = loader.load(session.file)
    spec = loaded.spec
    store_ = records(backend_url, loaded)
    state.check_engine(session, operating=True)
    deployed = state.read(session, spec)
    deployed.platform()
    declared = [t.name for t in spec.tenants]
    skipped = _skipped(loaded, deployed, request.include_pinned)
    eligible = [name for name in declared if name not in skipped]
    if not eligible:
        raise UsageError(
            "no tenant to release to: " + ("; ".join(f"{n}: {why}" for n, why in skipped.items()) or "none is declared")
        )
    canary = plan.parse_canary(request.canary, eligible, declared)
    waves = plan.waves(eligible, canary, shares)
    forced = _open_release(store_, request.force)
    previous = {t.name: resolve(t, spec).image for t in spec.tenants if t.name in eligible}
    if forced is not None:  # what the release it supersedes left running
        previous.update({n: e.runs for n, e in forced.tenants.items() if n in previous})
    release = Release(
        id=new_id(),
        project=spec.platform.project,
        environment=spec.platform.environment,
        image=request.image,
        previous_image=spec.defaults.image,
        waves=waves,
        tenants={name: TenantEntry(_wave_of(waves, name), previous[name], previous[name]) for name in eligible},
        options={**_options(request, session), "pinned": [n for n in plan.pinned(spec) if n in eligible]},
        skipped=skipped,
        started_at=now(),
        runner=this_runner(),
    )
    _confirm(ui, release, request.yes)
    with store_.exclusive():
        forced = _open_release(store_, request.force)
        if forced is not None:
            forced.status, forced.reason = ReleaseStatus.SUPERSEDED, f"superseded by {release.id} (--force)"
            forced.finished_at = now()
            store_.save(forced)
        store_.save(release)
    written = store.set_images(session.file, request.image, {n: request.image for n in release.options["pinned"]})
    ui.success(f"release {release.id}: {session.file} now deploys {request.image}")
    return _run(session, ui, release, store_, written, deployed)


def resume(session: Session, ui: Interaction, release_id: str, backend_url: str) -> ReleaseOutcome:
    """Continue a stopped release from the wave it stopped in: tenants that passed are not deployed again."""
    loaded = loader.load(session.file)
    store_ = records(backend_url, loaded)
    release = store_.load(release_id)
    if not release.is_open:
        raise UsageError(f"release {release.id} is {release.status}: there is nothing to resume")
    if release.running_elsewhere():
        raise Refused(
            f"release {release.id} is running now ({release.runner.get('host')}, pid {release.runner.get('pid')})",
            hint=f"`saasctl release status {release.id}` shows how far it is",
        )
    current = loaded.spec.defaults.image
    if current not in (release.image, release.previous_image):
        raise Refused(
            f"{session.file} deploys {current} now, neither the release's image {release.image} nor the one it "
            f"replaced ({release.previous_image}): the file was changed since",
            hint="start a new release of the image you mean: `saasctl release IMAGE --force`",
        )
    state.check_engine(session, operating=True)
    deployed = state.read(session, loaded.spec)
    deployed.platform()
    with store_.exclusive():
        release.status, release.reason, release.runner = ReleaseStatus.RUNNING, None, this_runner()
        store_.save(release)
    pinned = [name for name in release.options.get("pinned", []) if name in plan.pinned(loaded.spec)]
    written = store.set_images(session.file, release.image, {name: release.image for name in pinned})
    ui.notice(f"release {release.id}: resuming at {release.waves[release.wave].name}")
    return _run(session, ui, release, store_, written, deployed)


def status(session: Session, backend_url: str, release_id: str | None) -> Release:
    """The named release, or the latest one."""
    loaded = loader.load(session.file)
    store_ = records(backend_url, loaded)
    if release_id:
        return store_.load(release_id)
    every = store_.all()
    if not every:
        raise UsageError("no release is recorded for this environment", hint="`saasctl release IMAGE` starts one")
    return every[-1]


def _run(
    session: Session, ui: Interaction, release: Release, store_: RecordStore, loaded: LoadedSpec, deployed: Deployed
) -> ReleaseOutcome:
    options = release.options
    gate = _gate(session, loaded, deployed, options.get("check_path"))
    bake, tolerated = float(options.get("bake", 0)), int(options.get("max_failures", 0))
    try:
        with ui.running(session) as live:
            reports = Runner(live, store_, loaded, deployed, gate, bake, tolerated, say=ui.notice).run(release)
    except BaseException as exc:  # a refusal or a fault mid-release: recorded, and the file set back
        interrupted = isinstance(exc, KeyboardInterrupt)
        release.status = ReleaseStatus.INTERRUPTED if interrupted else ReleaseStatus.FAILED
        release.reason = "interrupted" if interrupted else f"stopped: {getattr(exc, 'message', None) or exc}"
        store_.save(release)
        _restore_file(session, release)
        raise
    notes = []
    if release.status is not ReleaseStatus.COMPLETED:
        notes += _restore_file(session, release)
        notes.append(f"`saasctl release resume {release.id}` continues it from {release.waves[release.wave].name}")
    return ReleaseOutcome(release, reports, notes)


def _restore_file(session: Session, release: Release) -> list[str]:
    """After a stop: the file names the images the tenants it has not reached run (see the module's doc)."""
    loaded = loader.load(session.file)
    if loaded.spec.defaults.image != release.image:
        return [f"{session.file} was changed during the release; it is left as it is"]
    declared = plan.pinned(loaded.spec)
    pinned = {n: release.tenants[n].previous_image for n in release.options.get("pinned", []) if n in declared}
    store.set_images(session.file, release.previous_image, pinned)
    return [f"{session.file} deploys {release.previous_image} again until the release is resumed"]


def _gate(session: Session, loaded: LoadedSpec, deployed: Deployed, check_path: str | None) -> Gate:
    found = hooks.behind_engine(session)
    platform = deployed.platform()
    if found is None:
        return Gate(None, None, str(platform.cluster_name), check_path)
    region, endpoint = loaded.spec.platform.region, session.endpoint_url
    return Gate(
        found.client("ecs", region_name=region, endpoint_url=endpoint),
        found.client("elbv2", region_name=region, endpoint_url=endpoint),
        str(platform.cluster_name),
        check_path,
        rollout=session.rollout_timeout > 0,
    )


def _skipped(loaded: LoadedSpec, deployed: Deployed, include_pinned: bool) -> dict[str, str]:
    skipped = {}
    existing = set(deployed.tenants)
    for tenant in loaded.spec.tenants:
        if tenant.image is not None and not include_pinned:
            skipped[tenant.name] = f"pins its own image {tenant.image} (--include-pinned releases it too)"
        elif tenant.name not in existing:
            skipped[tenant.name] = "not deployed yet (`saasctl apply` deploys it with the file's image)"
    return skipped


def _open_release(store_: RecordStore, force: bool) -> Release | None:
    """The open release (running or stopped), refused unless ``force``."""
    found = next((r for r in reversed(store_.all()) if r.is_open), None)
    if found is None:
        return None
    if found.running_elsewhere() or not force:
        where = f" at {found.waves[found.wave].name}" if found.wave < len(found.waves) else ""
        raise Refused(
            f"release {found.id} of {found.image} is {found.status}{where}: one release at a time",
            hint=f"`saasctl release resume {found.id}` continues it, `saasctl release status {found.id}` shows it"
            + ("" if found.running_elsewhere() else "; --force starts this one anyway (that one is superseded)"),
        )
    return found


def _confirm(ui: Interaction, release: Release, yes: bool) -> None:
    """At a terminal: the waves, then the question; off one (CI) or with ``yes``, nothing is asked."""
    if yes or not ui.interactive:
        return
    for wave in release.waves:
        ui.notice(f"{wave.name} ({len(wave.tenants)}): {', '.join(wave.tenants)}")
    for name, why in release.skipped.items():
        ui.notice(f"left alone: {name}: {why}")
    if not ui.ask(f"Release {release.image} to {len(release.tenants)} tenant(s) in {len(release.waves)} wave(s)?"):
        ui.notice("nothing was changed")
        raise ExitStatus(EXIT_FAILED)


def _wave_of(waves: list[Any], name: str) -> int:
    return next(index for index, wave in enumerate(waves) if name in wave.tenants)


def _options(request: ReleaseRequest, session: Session) -> dict[str, Any]:
    return {
        "canary": request.canary,
        "waves": request.waves,
        "bake": request.bake,
        "check_path": request.check_path,
        "max_failures": request.max_failures,
        "include_pinned": request.include_pinned,
        "parallel": session.options.parallel,
    }


def _check_image(image: str) -> None:
    from saas_ctl.spec.models import ServiceSettings

    try:
        ServiceSettings(image=image)
    except ValueError as exc:
        message = str(exc).splitlines()
        raise UsageError(f"IMAGE {image!r} is not valid: {message[-1].strip() if message else exc}") from None


def _check_path(path: str | None) -> None:
    if path is not None and not path.startswith("/"):
        raise UsageError(f"--check-path {path!r} must start with /", hint="for example --check-path /health")
