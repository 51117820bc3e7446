"""How the VPC block is carved: for max_zones zones, zone i in slot i, so more zones never move a subnet."""

from __future__ import annotations

from itertools import pairwise

import pytest

from infra.addressing import largest_max_zones, plan_subnets


@pytest.mark.parametrize("max_zones", [2, 3, 4, 5, 6])
def test_every_zone_count_up_to_max_zones_keeps_the_smaller_counts_subnets(max_zones: int) -> None:
    plans = [plan_subnets("10.0.0.0/16", zones, max_zones) for zones in range(2, max_zones + 1)]
    for fewer, more in pairwise(plans):
        assert more.public[: len(fewer.public)] == fewer.public
        assert more.private[: len(fewer.private)] == fewer.private
        assert more.prefixlen == fewer.prefixlen


def test_without_max_zones_the_block_is_carved_for_exactly_the_zones_as_before_max_zones() -> None:
    plan = plan_subnets("10.0.0.0/16", 2)
    assert (plan.public, plan.private, plan.prefixlen) == (
        ("10.0.0.0/18", "10.0.64.0/18"),
        ("10.0.128.0/18", "10.0.192.0/18"),
        18,
    )


def test_the_largest_max_zones_is_how_many_public_and_private_pairs_of_the_smallest_subnet_fit() -> None:
    assert largest_max_zones(24, 27) == 4  # eight /27s
    assert largest_max_zones(23, 27) == 8
    assert largest_max_zones(26, 27) == 1
    assert largest_max_zones(28, 27) == 0
