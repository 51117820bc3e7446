"""Property: whatever bytes a tenants file holds, loading gives a valid spec or a SpecError, nothing else."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saas_ctl.errors import SpecError
from saas_ctl.spec.loader import load_bytes
from tests.conftest import EXAMPLE

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["15.8", "256", "acme", "10.0.0.0/16", "db.r6g.large", "example.com", "single"]),
)
keys = st.one_of(
    st.sampled_from(
        [
            "platform",
            "defaults",
            "tenants",
            "name",
            "priority",
            "cpu",
            "memory",
            "hosts",
            "tags",
            "database",
            "network",
            "engine_version",
            "project",
            "environment",
            "domain",
            "autoscaling",
        ]
    ),
    st.text(max_size=10),
)
documents = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=30
)


def loads_cleanly(raw: bytes) -> None:
    try:
        load_bytes(raw, "t.yaml")
    except SpecError as exc:
        assert exc.issues, "a SpecError always carries at least one issue"
        for issue in exc.issues:
            assert issue.message


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents)
def test_arbitrary_yaml_documents_load_or_fail_cleanly(document: object) -> None:
    loads_cleanly(yaml.safe_dump(document).encode())


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_example_files_load_or_fail_cleanly(data: st.DataObject) -> None:
    raw = bytearray(EXAMPLE.read_bytes())
    for _ in range(data.draw(st.integers(1, 5))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position : position + 1] = data.draw(st.binary(min_size=0, max_size=3))
    loads_cleanly(bytes(raw))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_load_or_fail_cleanly(raw: bytes) -> None:
    loads_cleanly(raw)
