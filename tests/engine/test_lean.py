"""The stack config saasctl writes to the workspace's stack settings file: keys with paths nested as `pulumi
config set-all --path` nests them (tests/integration/test_engine.py: the update records the same config)."""

from __future__ import annotations

from saas_ctl.engine.pulumi.lean import stack_config


def test_tag_paths_nest_under_their_top_level_key_and_plain_keys_stay_as_they_are() -> None:
    config = {
        "aws:region": "us-east-1",
        'aws:defaultTags.tags["saasctl:tenant"]': "acme",
        'aws:defaultTags.tags["a.b"]': "x",
    }
    assert stack_config(config) == {
        "aws:region": "us-east-1",
        "aws:defaultTags": {"tags": {"saasctl:tenant": "acme", "a.b": "x"}},
    }
