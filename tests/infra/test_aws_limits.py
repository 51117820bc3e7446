"""The AWS facts in infra/aws_limits.py agree with the sources on this machine that state them too."""

from __future__ import annotations

import json
from pathlib import Path

import botocore

from infra.aws_limits import partition_of


def test_every_region_botocore_knows_is_in_the_partition_and_dns_suffix_botocore_gives_it() -> None:
    table = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())
    disagreements = [
        (region, partition_of(region).name, partition["id"])
        for partition in table["partitions"]
        for region in partition["regions"]
        if not region.endswith("-global")
        and (partition_of(region).name, partition_of(region).dns_suffix)
        != (partition["id"], partition["outputs"]["dnsSuffix"])
    ]
    assert disagreements == []


def test_a_region_of_no_other_partition_is_commercial() -> None:
    assert partition_of("eu-central-2").name == "aws"
