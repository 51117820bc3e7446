"""How the double answers a replacement, as the Terraform bridge does: delete-first when the program named the
resource itself (pulumi-terraform-bridge pkg/tfbridge/provider.go Diff, schema.go nameRequiresDeleteBeforeReplace),
create-first when the provider made the name. The program's own delete_before_replace option overrides either
answer in the engine (pulumi/pulumi pkg/resource/deploy/step_generator.go), which the real-engine suite shows."""

from __future__ import annotations

import asyncio
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import CheckRequest, DiffRequest, DiffResponse

from tests.aws_double.provider import AwsDouble
from tests.aws_double.values import unwrap_all, wrap_all

TARGET_GROUP = "urn:pulumi:dev::proj::saasctl:tenant:Routing$aws:lb/targetGroup:TargetGroup::acme-tg"
SECURITY_GROUP = "urn:pulumi:dev::proj::aws:ec2/securityGroup:SecurityGroup::services"


def _checked(urn: str, inputs: dict[str, Any], old: dict[str, PropertyValue] | None = None) -> dict[str, PropertyValue]:
    request = CheckRequest(urn, old or {}, wrap_all(inputs), b"seed")
    return asyncio.run(AwsDouble().check(request)).inputs


def _diff(urn: str, old: dict[str, PropertyValue], new: dict[str, PropertyValue]) -> DiffResponse:
    request = DiffRequest(urn, "id-1", AwsDouble._outputs(old, {}), new, [])
    return asyncio.run(AwsDouble().diff(request))


def test_a_name_the_program_set_is_not_listed_among_the_defaults() -> None:
    checked = unwrap_all(_checked(TARGET_GROUP, {"name": "acme-8080-c0", "port": 8080}))
    assert checked["__defaults"] == []


def test_a_name_the_provider_made_is_listed_among_the_defaults() -> None:
    checked = unwrap_all(_checked(TARGET_GROUP, {"port": 8080}))
    assert checked["__defaults"] == ["name"] and checked["name"].startswith("acme-tg-")


def test_replacing_a_resource_the_program_named_is_delete_first() -> None:
    old = _checked(TARGET_GROUP, {"name": "acme-8080-c0", "port": 8080})
    new = _checked(TARGET_GROUP, {"name": "acme-9090-c0", "port": 9090}, old)
    answer = _diff(TARGET_GROUP, old, new)
    assert (answer.replaces, answer.delete_before_replace) == (["name", "port"], True)


def test_replacing_a_resource_the_provider_named_is_create_first() -> None:
    old = _checked(TARGET_GROUP, {"port": 8080})
    new = _checked(TARGET_GROUP, {"port": 9090}, old)
    answer = _diff(TARGET_GROUP, old, new)
    assert (answer.replaces, answer.delete_before_replace) == (["port"], False)


def test_an_update_in_place_of_a_named_resource_is_not_delete_first() -> None:
    old = _checked(TARGET_GROUP, {"name": "acme-8080-c0", "port": 8080, "deregistrationDelay": 300})
    new = _checked(TARGET_GROUP, {"name": "acme-8080-c0", "port": 8080, "deregistrationDelay": 30}, old)
    answer = _diff(TARGET_GROUP, old, new)
    assert (answer.changes, answer.replaces, answer.delete_before_replace) == (True, [], False)


def test_inputs_without_a_defaults_list_count_as_provider_named() -> None:
    """State written before the bridge kept "__defaults" (and the double before this rule) replaces create-first."""
    old = wrap_all({"name": "web", "vpcId": "vpc-1", "description": "a"})
    new = wrap_all({"name": "web", "vpcId": "vpc-1", "description": "b"})
    answer = _diff(SECURITY_GROUP, old, new)
    assert (answer.replaces, answer.delete_before_replace) == (["description"], False)


def test_the_defaults_list_stays_out_of_the_resources_state() -> None:
    inputs = _checked(TARGET_GROUP, {"name": "acme-8080-c0", "port": 8080})
    assert "__defaults" not in AwsDouble._outputs(inputs, {"arn": "arn:tg"})
