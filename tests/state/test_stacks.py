"""Naming a stack on the state tools' command line."""

from __future__ import annotations

import pytest

from saas_ctl.errors import UsageError
from saas_ctl.state.stacks import named
from tests.conftest import spec_of


@pytest.mark.parametrize(
    ("argument", "label"),
    [
        ("platform", "saas-platform/dev"),
        ("acme", "saas-dev-tenants/acme"),
        ("saas-dev-tenants/acme", "saas-dev-tenants/acme"),
        ("organization/saas-dev-tenants/acme", "saas-dev-tenants/acme"),
    ],
)
def test_a_stack_is_named_as_saasctl_or_pulumi_print_it(argument: str, label: str) -> None:
    assert named(spec_of(), argument).label == label


def test_a_name_that_is_no_stack_is_refused_saying_what_is_valid() -> None:
    with pytest.raises(UsageError) as refused:
        named(spec_of(), "a/b/c")
    assert refused.value.message == "stack 'a/b/c' is not valid: give platform, a tenant's name, or PROJECT/STACK"
