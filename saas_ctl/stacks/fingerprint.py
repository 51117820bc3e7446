"""The fingerprint of a stack's `up`: digests of everything its program and the engine are given, so that an
unchanged fingerprint means an `up` would change nothing that saasctl controls.

A tenant's parts: its effective settings (defaults applied), the platform outputs its program consumes (only
those: a platform change a tenant does not read leaves it alone), its stack config, and the options of the deploy
(kept data to adopt, an endpoint, a redeploy token); the platform's: its inputs, generation and cells. Both add
saasctl's program code and the versions of saasctl, pulumi and pulumi-aws. What happens in AWS behind saasctl's
back is not in it: `saasctl drift` finds that.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from infra.inputs import PlatformInputs, TenantInputs
from infra.outputs import PlatformOutputs
from infra.tenant.kept import KeptData
from saas_ctl.engine.fingerprints import Fingerprint

# The platform outputs a tenant program reads (infra/tenant/program.py), besides its own cell's entry of
# ``cells``; a test holds this to the program's source.
TENANT_CONSUMES = (
    "vpc_id",
    "private_subnet_ids",
    "service_security_group_id",
    "alb_security_group_id",
    "listener_protocol",
    "cluster_arn",
    "cluster_name",
    "database_endpoint",
    "database_reader_endpoint",
    "database_port",
    "database_resource_id",
    "database_cluster_arn",
    "dns_zone_id",
)
TOOLS = {"saasctl": "saasctl", "pulumi": "pulumi", "pulumi-aws": "pulumi_aws"}  # name -> distribution


def digest(value: Any) -> str:
    """A stable digest of plain data, dataclasses and mappings (key order does not count)."""
    text = json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@cache
def tool_versions() -> dict[str, str]:
    """The installed versions of saasctl, the pulumi SDK and pulumi-aws (no import of either)."""
    found = {}
    for name, distribution in TOOLS.items():
        try:
            found[name] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


@cache
def program_code() -> str:
    """A digest of the programs' source (infra/), so that a program changed without a version bump (a
    checkout between releases) is deployed again."""
    root = Path(__file__).resolve().parents[2] / "infra"
    hasher = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        hasher.update(str(path.relative_to(root)).encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def consumed(platform: PlatformOutputs, cell: int) -> dict[str, Any]:
    """What a tenant in ``cell`` reads of the platform's outputs."""
    outputs = platform.as_dict()
    mine = next((entry for entry in platform.cells if int(entry["cell"]) == cell), None)  # type: ignore[union-attr]
    return {**{key: outputs[key] for key in TENANT_CONSUMES}, "cell": mine}


def of_tenant(
    tenant: TenantInputs,
    platform: PlatformOutputs,
    config: Mapping[str, str],
    kept: KeptData,
    options: Mapping[str, Any],
) -> Fingerprint:
    parts = {
        "settings": digest(tenant),
        "platform": digest(consumed(platform, tenant.cell)),
        "config": digest(config),
        "program": program_code(),
        "options": digest({"kept": kept, **options}),
    }
    return Fingerprint(parts, tool_versions())


def of_platform(inputs: PlatformInputs, config: Mapping[str, str], options: Mapping[str, Any]) -> Fingerprint:
    parts = {
        "settings": digest(inputs),
        "config": digest(config),
        "program": program_code(),
        "options": digest(options),
    }
    return Fingerprint(parts, tool_versions())
