"""Which tenants a release deploys, in which waves: the canary first, then each wave up to its share of the rest.

Pure: over the tenants' names in the file's order, so the same file and flags always make the same waves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from saas_ctl.errors import UsageError
from saas_ctl.releases.record import Wave
from saas_ctl.spec.models import TenantsFile

DEFAULT_WAVES = "10%,50%,100%"
DEFAULT_CANARY = "1"
_PERCENT = re.compile(r"^(\d{1,3})%$")


def parse_waves(text: str) -> list[int]:
    """``10%,50%,100%``: each wave's cumulative share of the tenants after the canary, rising, ending at 100%."""
    shares = []
    for item in (part.strip() for part in text.split(",")):
        found = _PERCENT.match(item)
        if not found or not 1 <= int(found.group(1)) <= 100:
            raise UsageError(
                f"--waves {text!r}: {item!r} is not a share of the fleet",
                hint="give rising percentages ending at 100%, such as 10%,50%,100%",
            )
        shares.append(int(found.group(1)))
    if shares != sorted(set(shares)) or shares[-1] != 100:
        raise UsageError(
            f"--waves {text!r}: the shares must rise and end at 100%",
            hint="each wave reaches a larger share of the fleet than the one before: 10%,50%,100%",
        )
    return shares


def parse_canary(text: str, eligible: Sequence[str], declared: Sequence[str]) -> list[str]:
    """``N`` (the first N tenants the release deploys, in the file's order) or ``NAMES`` (comma-separated)."""
    if text.strip().isdigit():
        return list(eligible[: int(text)])
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in declared]
    if unknown:
        raise UsageError(
            f"--canary: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not declared",
            hint="give a number of tenants, or names of declared tenants separated by commas",
        )
    outside = [name for name in names if name not in eligible]
    if outside:
        raise UsageError(
            f"--canary: {', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not part of this release "
            "(a pinned image, or not deployed)",
            hint="--include-pinned releases tenants that pin their own image too",
        )
    return list(dict.fromkeys(names))


def waves(eligible: Sequence[str], canary: Sequence[str], shares: Sequence[int]) -> list[Wave]:
    """The canary (when there is one), then one wave per share of the other tenants; waves left empty by
    rounding (a small fleet) are dropped."""
    rest = [name for name in eligible if name not in set(canary)]
    planned = [Wave("canary", list(canary))] if canary else []
    reached = 0
    for number, share in enumerate(shares, start=1):
        upto = math.ceil(len(rest) * share / 100)
        if upto > reached:
            planned.append(Wave(f"wave {number}", rest[reached:upto]))
            reached = upto
    return planned


def pinned(spec: TenantsFile) -> list[str]:
    """Tenants whose own entry names an image: a release leaves them alone unless told otherwise."""
    return [tenant.name for tenant in spec.tenants if tenant.image is not None]
