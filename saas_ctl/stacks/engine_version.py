"""The Aurora engine version a platform deploy asks for: the file's, resolved and never below what runs.

- ``engine_version: "15"`` (a major alone) deploys the newest 15.x preflight knows: the catalogue it reads (the
  bundled snapshot, or the one `preflight --refresh-catalog` stored from the Region).
- AWS upgrades minors on its own (auto minor version upgrade). terraform-provider-aws then keeps the file's value
  in state only when it is a prefix of what runs ("15" of "15.15", or while the old value is the pending one:
  ``compareActualEngineVersion`` in ``internal/service/rds``, called by the cluster's Read); a full version such
  as "15.8" under a cluster at 15.9 reads back as 15.9 at the next refresh, and the deploy after it would ask for
  15.8: a downgrade, which ModifyDBCluster refuses. So a deploy asks for the version that runs (RDS's answer, else
  the stack's ``database_engine_version`` output) whenever it is a newer release of the same major, and says so.
  A full version newer than what runs, or another major, is deployed as written. When the version asked for is
  the one that runs, the program leaves the cluster's engine version as the stack holds it
  (``PlatformInputs.engine_version_runs``), so no ModifyDBCluster carries EngineVersion equal to the running one.
"""

from __future__ import annotations

from dataclasses import dataclass

from saas_ctl.preflight import catalog


@dataclass(frozen=True)
class Resolved:
    version: str
    note: str | None = None  # what saasctl chose and why, for platform up to say


def resolve(requested: str, region: str, running: str | None = None) -> Resolved:
    version, note = requested, None
    if catalog.is_major_only(requested):
        known = catalog.load(region)
        newest = catalog.newest_of_major(requested, known)
        if newest is not None:
            version = newest
            note = f'engine_version "{requested}": {newest}, the newest {requested}.x in {known.describe()}'
    if running and _same_major(running, version) and catalog.version_key(running) > catalog.version_key(version):
        return Resolved(
            running,
            f"the cluster runs Aurora PostgreSQL {running} (an automatic minor upgrade by AWS); kept, since "
            f"{version} would be a downgrade, which RDS refuses",
        )
    return Resolved(version, note)


def _same_major(a: str, b: str) -> bool:
    return a.split(".")[0] == b.split(".")[0]
