"""Which tenants a release deploys in which wave, from the file's order and the flags."""

from __future__ import annotations

import pytest

from saas_ctl.errors import UsageError
from saas_ctl.releases.plan import parse_canary, parse_waves, waves

NAMES = [f"t{n:02d}" for n in range(1, 21)]


def test_shares_are_cumulative_over_the_tenants_after_the_canary() -> None:
    planned = waves(NAMES, ["t01"], parse_waves("10%,50%,100%"))
    assert [(w.name, w.tenants) for w in planned] == [
        ("canary", ["t01"]),
        ("wave 1", NAMES[1:3]),
        ("wave 2", NAMES[3:11]),
        ("wave 3", NAMES[11:]),
    ]


def test_waves_left_empty_by_a_small_fleet_are_dropped() -> None:
    planned = waves(["a", "b"], ["a"], parse_waves("10%,50%,100%"))
    assert [(w.name, w.tenants) for w in planned] == [("canary", ["a"]), ("wave 1", ["b"])]


def test_a_named_canary_goes_first_and_is_not_deployed_again() -> None:
    planned = waves(NAMES[:4], ["t03"], [100])
    assert [(w.name, w.tenants) for w in planned] == [("canary", ["t03"]), ("wave 1", ["t01", "t02", "t04"])]


def test_canary_zero_means_no_canary() -> None:
    assert [w.name for w in waves(NAMES, parse_canary("0", NAMES, NAMES), [100])] == ["wave 1"]


def test_a_canary_of_n_is_the_first_n_tenants_released() -> None:
    assert parse_canary("2", NAMES[5:], NAMES) == ["t06", "t07"]


def test_a_canary_naming_a_pinned_tenant_is_refused() -> None:
    with pytest.raises(UsageError, match=r"--canary: t01 is not part of this release"):
        parse_canary("t01", NAMES[1:], NAMES)


@pytest.mark.parametrize("text", ["10%,50%", "50%,10%,100%", "0%,100%", "150%", "10,100"])
def test_shares_must_rise_to_100_percent(text: str) -> None:
    with pytest.raises(UsageError):
        parse_waves(text)
