"""Synthesise the real programs under mocks once per spec, and helpers to query what they declare."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import pytest

from saas_ctl.engine.base import PlannedResource
from saas_ctl.engine.synth.engine import Synthesis, synthesize
from saas_ctl.stacks import targets
from tests.conftest import EXAMPLE, spec_of


@cache
def synth_platform(text: str) -> Synthesis:
    return synthesize(targets.platform_target(spec_of(text)))


@cache
def synth_tenant(text: str, name: str) -> Synthesis:
    spec = spec_of(text)
    return synthesize(targets.tenant_target(spec, name, targets.placeholder_platform(spec)))


def of_type(synthesis: Synthesis, token: str) -> list[PlannedResource]:
    return [r for r in synthesis.resources if r.type == token]


def one(synthesis: Synthesis, token: str) -> PlannedResource:
    found = of_type(synthesis, token)
    assert len(found) == 1, f"expected one {token}, found {[r.name for r in found]}"
    return found[0]


def named(synthesis: Synthesis, token: str, name: str) -> PlannedResource:
    [found] = [r for r in of_type(synthesis, token) if r.name == name]
    return found


def uses_stack_provider(resource: PlannedResource) -> bool:
    """Whether the resource was created with the program's explicit, tagged provider (logical name 'aws')."""
    return "pulumi:providers:aws::aws::" in (resource.provider or "")


def policy(resource: PlannedResource, key: str = "policy") -> dict[str, Any]:
    document: dict[str, Any] = json.loads(resource.inputs[key])
    return document


def aws_resources(synthesis: Synthesis) -> Iterable[PlannedResource]:
    return (r for r in synthesis.resources if r.type.startswith("aws:"))


@pytest.fixture(scope="session")
def example() -> str:
    return EXAMPLE.read_text()


@pytest.fixture(scope="session")
def platform(example: str) -> Synthesis:
    return synth_platform(example)


@pytest.fixture(scope="session")
def acme(example: str) -> Synthesis:
    return synth_tenant(example, "acme")
