"""Resource changes: the engine's step events read as one change per resource (events in the JSON shape the
Pulumi CLI v3.274.1 wrote for a `vpc_cidr` change of a deployed platform, read by pulumi.automation), secrets
masked, paths resolved, and the order a reader sees them in."""

from __future__ import annotations

from typing import Any

from pulumi.automation import EngineEvent

from saas_ctl.engine.changes import (
    ChangeOp,
    PropertyChange,
    ResourceChange,
    counts,
    ordered,
    property_changes,
    shown,
    split_path,
)
from saas_ctl.engine.pulumi.changes import ChangeRecorder, DriftRecorder

VPC_URN = "urn:pulumi:test::itest-platform::saasctl:platform:Network$aws:ec2/vpc:Vpc::network-vpc"
IGW_URN = (
    "urn:pulumi:test::itest-platform::saasctl:platform:Network$aws:ec2/internetGateway:InternetGateway::network-igw"
)
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "[secret]"}
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def engine_event(kind: str, state: str, op: str, urn: str, type_: str, old: Any, new: Any, **more: Any) -> Any:
    """An engine event of `kind` whose old and new states carry `state` (inputs, or outputs)."""
    metadata: dict[str, Any] = {"op": op, "urn": urn, "type": type_, "provider": "", **more}
    for key, values in (("old", old), ("new", new)):
        if values is not None:
            metadata[key] = {"type": type_, "urn": urn, "id": "", "parent": "", "provider": "", state: values}
    return EngineEvent.from_json({"sequence": 1, "timestamp": 0, kind: {"metadata": metadata}})


def step(op: str, urn: str, type_: str, old: dict[str, Any] | None, new: dict[str, Any] | None, **more: Any) -> Any:
    """A step a preview or deploy announces (a resource-pre event): the old and new inputs."""
    return engine_event("resourcePreEvent", "inputs", op, urn, type_, old, new, **more)


def outputs(op: str, urn: str, type_: str, old: dict[str, Any] | None, new: dict[str, Any] | None, **more: Any) -> Any:
    """A refresh's resource-outputs event: the state's outputs (old) and what the cloud answered (new)."""
    return engine_event("resOutputsEvent", "outputs", op, urn, type_, old, new, **more)


def vpc_steps() -> list[Any]:
    old = {"cidrBlock": "10.0.0.0/16", "enableDnsSupport": True, "tags": {"Name": "itest-test-vpc"}}
    new = {**old, "cidrBlock": "10.1.0.0/16"}
    forced = {"keys": ["cidrBlock"], "diffs": ["cidrBlock"]}
    return [
        step("create-replacement", VPC_URN, "aws:ec2/vpc:Vpc", old, new, **forced),
        step("replace", VPC_URN, "aws:ec2/vpc:Vpc", old, new, **forced),
        step(
            "update",
            IGW_URN,
            "aws:ec2/internetGateway:InternetGateway",
            {"vpcId": "vpc-77"},
            {"vpcId": UNKNOWN},
            diffs=["vpcId"],
        ),
        step("same", VPC_URN.replace("network-vpc", "x"), "aws:ec2/eip:Eip", {}, {}),
        step("delete-replaced", VPC_URN, "aws:ec2/vpc:Vpc", old, None),
    ]


def test_the_three_steps_of_a_replacement_are_one_change_naming_what_forces_it() -> None:
    recorder = ChangeRecorder()
    for event in vpc_steps():
        recorder(event)
    vpc, _ = recorder.changes()
    assert (vpc.op, vpc.type, vpc.name, vpc.urn) == (ChangeOp.REPLACE, "aws:ec2/vpc:Vpc", "network-vpc", VPC_URN)
    assert vpc.replace_keys == ("cidrBlock",)
    assert vpc.properties == (PropertyChange("cidrBlock", "10.0.0.0/16", "10.1.0.0/16", replaces=True),)
    assert vpc.data_resource == "the VPC" and vpc.loses_data


def test_an_update_shows_a_value_computed_by_the_deploy_as_such_and_forces_nothing() -> None:
    recorder = ChangeRecorder()
    for event in vpc_steps():
        recorder(event)
    igw = recorder.changes()[1]
    assert (igw.op, igw.name, igw.replace_keys) == (ChangeOp.UPDATE, "network-igw", ())
    assert igw.properties == (PropertyChange("vpcId", "vpc-77", "(known after the deploy)"),)
    assert igw.data_resource is None and not igw.loses_data


def test_steps_that_change_nothing_are_left_out() -> None:
    recorder = ChangeRecorder()
    recorder(step("same", VPC_URN, "aws:ec2/vpc:Vpc", {}, {}))
    recorder(step("read", IGW_URN, "aws:ec2/internetGateway:InternetGateway", {}, {}))
    assert recorder.changes() == ()


def test_a_detailed_diff_names_nested_paths_and_which_of_them_replace() -> None:
    old = {"tags": {"Name": "a", "team": "x"}, "routes": [{"cidrBlock": "0.0.0.0/0"}]}
    new = {"tags": {"Name": "a", "team": "y"}, "routes": [{"cidrBlock": "10.0.0.0/8"}]}
    detailed = {"tags.team": {"diffKind": "update"}, "routes[0].cidrBlock": {"diffKind": "update-replace"}}
    recorder = ChangeRecorder()
    recorder(step("replace", IGW_URN, "aws:ec2/routeTable:RouteTable", old, new, detailedDiff=detailed, diffs=["tags"]))
    [change] = recorder.changes()
    assert change.properties == (
        PropertyChange("tags.team", "x", "y"),
        PropertyChange("routes[0].cidrBlock", "0.0.0.0/0", "10.0.0.0/8", replaces=True),
    )


def test_a_secret_is_masked_in_old_and_new_values_and_in_json() -> None:
    recorder = ChangeRecorder()
    urn = "urn:pulumi:acme::p::aws:secretsmanager/secretVersion:SecretVersion::secret-value"
    recorder(
        step(
            "update",
            urn,
            "aws:secretsmanager/secretVersion:SecretVersion",
            {"secretString": SECRET},
            {"secretString": "[secret]"},
            diffs=["secretString"],
        )
    )
    [change] = recorder.changes()
    assert change.properties == (PropertyChange("secretString", "[secret]", "[secret]"),)
    assert "1b47061264138c4ac30d75fd1eb44270" not in str(change.to_json())


def test_changes_are_ordered_replacements_deletes_creates_updates_imports_then_by_name() -> None:
    made = [
        ResourceChange(ChangeOp.UPDATE, "t", "a"),
        ResourceChange(ChangeOp.IMPORT, "t", "b"),
        ResourceChange(ChangeOp.CREATE, "t", "c"),
        ResourceChange(ChangeOp.DELETE, "t", "d"),
        ResourceChange(ChangeOp.REPLACE, "t", "f"),
        ResourceChange(ChangeOp.REPLACE, "t", "e"),
    ]
    assert [(c.op.value, c.name) for c in ordered(made)] == [
        ("replace", "e"),
        ("replace", "f"),
        ("delete", "d"),
        ("create", "c"),
        ("update", "a"),
        ("import", "b"),
    ]
    assert counts(made) == {"update": 1, "import": 1, "create": 1, "delete": 1, "replace": 2}


def test_a_path_splits_into_keys_and_indexes_and_missing_values_are_none() -> None:
    assert split_path("routes[0].cidrBlock") == ["routes", 0, "cidrBlock"]
    assert split_path('tags["a.b"]') == ["tags", "a.b"]
    assert property_changes(["tags.gone"], {"tags": {}}, {"tags": {"gone": "x"}}) == (
        PropertyChange("tags.gone", None, "x"),
    )


def test_values_are_shown_with_nested_secrets_and_unknowns_said_for_what_they_are() -> None:
    assert shown({"a": [SECRET, UNKNOWN], "b": 1}) == {"a": ["[secret]", "(known after the deploy)"], "b": 1}


def test_a_change_in_json_names_its_operation_type_name_keys_data_and_properties() -> None:
    change = ResourceChange(
        ChangeOp.REPLACE,
        "aws:rds/cluster:Cluster",
        "database-cluster",
        "urn:x",
        ("engineVersion",),
        (PropertyChange("engineVersion", "15.8", "16.4", True),),
    )
    assert change.to_json() == {
        "op": "replace",
        "type": "aws:rds/cluster:Cluster",
        "name": "database-cluster",
        "urn": "urn:x",
        "replace_keys": ["engineVersion"],
        "data_resource": "the database cluster",
        "properties": [{"path": "engineVersion", "old": "15.8", "new": "16.4", "replaces": True}],
    }


def test_drift_is_each_property_the_cloud_answers_differently_from_the_state() -> None:
    recorder = DriftRecorder()
    old = {"cidrBlock": "10.0.0.0/16", "tags": {"Name": "itest-test-vpc"}}
    new = {"cidrBlock": "10.0.0.0/16", "tags": {"Name": "itest-test-vpc", "owner": "console"}}
    recorder(outputs("update", VPC_URN, "aws:ec2/vpc:Vpc", old, new, diffs=["tags"]))
    [change] = recorder.changes()
    assert (change.op, change.type, change.name, change.urn) == (
        ChangeOp.UPDATE,
        "aws:ec2/vpc:Vpc",
        "network-vpc",
        VPC_URN,
    )
    assert change.properties == (
        PropertyChange("tags", {"Name": "itest-test-vpc"}, {"Name": "itest-test-vpc", "owner": "console"}),
    )


def test_drift_without_the_engines_diffs_is_found_by_comparing_the_outputs() -> None:
    recorder = DriftRecorder()
    old = {"cidrBlock": "10.0.0.0/16", "enableDnsSupport": True, "instanceTenancy": "default"}
    new = {"cidrBlock": "10.0.0.0/16", "enableDnsSupport": False, "instanceTenancy": "dedicated"}
    recorder(outputs("update", VPC_URN, "aws:ec2/vpc:Vpc", old, new))
    [change] = recorder.changes()
    assert change.properties == (
        PropertyChange("enableDnsSupport", True, False),
        PropertyChange("instanceTenancy", "default", "dedicated"),
    )


def test_a_resource_the_cloud_no_longer_has_is_drift_that_deletes_it() -> None:
    recorder = DriftRecorder()
    recorder(outputs("delete", IGW_URN, "aws:ec2/internetGateway:InternetGateway", {"vpcId": "vpc-77"}, None))
    assert recorder.changes() == (
        ResourceChange(ChangeOp.DELETE, "aws:ec2/internetGateway:InternetGateway", "network-igw", IGW_URN),
    )


def test_drift_leaves_out_resources_that_read_as_the_state_has_them_and_the_steps_of_a_preview() -> None:
    recorder = DriftRecorder()
    recorder(outputs("same", VPC_URN, "aws:ec2/vpc:Vpc", {"cidrBlock": "10.0.0.0/16"}, {"cidrBlock": "10.0.0.0/16"}))
    for event in vpc_steps():
        recorder(event)
    assert recorder.changes() == ()
