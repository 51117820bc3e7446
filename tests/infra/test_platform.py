"""Policies of the platform program, checked on what it declares under mocks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import aws_limits as limits
from saas_ctl.engine.synth.engine import Synthesis, synthesize
from saas_ctl.engine.synth.mocks import SynthMocks, short_id
from saas_ctl.stacks import targets
from tests.conftest import spec_of
from tests.infra.conftest import named, of_type, one, synth_platform, uses_stack_provider

SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
RT = "aws:ec2/routeTable:RouteTable"
LISTENER = "aws:lb/listener:Listener"


def test_vpc_has_dns_support_and_hostnames(platform: Synthesis) -> None:
    vpc = one(platform, "aws:ec2/vpc:Vpc")
    assert (vpc.inputs["cidrBlock"], vpc.inputs["enableDnsSupport"], vpc.inputs["enableDnsHostnames"]) == (
        "10.0.0.0/16",
        True,
        True,
    )


def _subnets(synthesis: Synthesis) -> dict[str, tuple[str, str]]:
    return {
        r.name: (r.inputs["cidrBlock"], r.inputs["availabilityZone"])
        for r in of_type(synthesis, "aws:ec2/subnet:Subnet")
    }


def test_subnets_of_two_zones_are_carved_for_max_zones_four_zone_i_in_slot_i(platform: Synthesis) -> None:
    # A /16 carved for 4 zones: eight /19 slots, public 0-3 then private 4-7.
    assert _subnets(platform) == {
        "network-public-0": ("10.0.0.0/19", "us-east-1a"),
        "network-public-1": ("10.0.32.0/19", "us-east-1b"),
        "network-private-0": ("10.0.128.0/19", "us-east-1a"),
        "network-private-1": ("10.0.160.0/19", "us-east-1b"),
    }


def test_a_third_zone_adds_its_subnets_and_keeps_the_first_two_byte_identical(
    example: str, platform: Synthesis
) -> None:
    three = _subnets(synth_platform(example.replace("availability_zones: 2", "availability_zones: 3")))
    assert {name: three[name] for name in _subnets(platform)} == _subnets(platform)
    assert three["network-public-2"] == ("10.0.64.0/19", "us-east-1c")
    assert three["network-private-2"] == ("10.0.192.0/19", "us-east-1c")


def test_a_third_zone_adds_its_route_table_associations_and_an_alb_subnet(example: str) -> None:
    synthesis = synth_platform(example.replace("availability_zones: 2", "availability_zones: 3"))
    associations = {r.name for r in of_type(synthesis, "aws:ec2/routeTableAssociation:RouteTableAssociation")}
    assert {"network-public-2", "network-private-2"} <= associations
    assert len(one(synthesis, "aws:lb/loadBalancer:LoadBalancer").inputs["subnets"]) == 3


def test_the_network_output_records_the_block_and_the_carving(platform: Synthesis) -> None:
    assert platform.outputs["network"] == {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2, "max_zones": 4}


def test_a_platform_deployed_before_max_zones_keeps_its_carving_for_exactly_its_zones(example: str) -> None:
    legacy = synthesize(targets.platform_target(spec_of(example), legacy_network=True))
    assert _subnets(legacy) == {
        "network-public-0": ("10.0.0.0/18", "us-east-1a"),
        "network-public-1": ("10.0.64.0/18", "us-east-1b"),
        "network-private-0": ("10.0.128.0/18", "us-east-1a"),
        "network-private-1": ("10.0.192.0/18", "us-east-1b"),
    }
    assert legacy.outputs["network"] == {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2}


def test_the_deployed_network_output_decides_the_carving() -> None:
    assert targets.legacy_network(None) is False  # a new platform: carved for max_zones
    assert targets.legacy_network({"network": {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2}}) is True
    assert targets.legacy_network({"vpc_id": "vpc-1"}) is True  # deployed before the network was recorded
    recorded = {"network": {"vpc_cidr": "10.0.0.0/16", "availability_zones": 2, "max_zones": 4}}
    assert targets.legacy_network(recorded) is False


def test_subnets_never_assign_public_ips(platform: Synthesis) -> None:
    assert {r.inputs["mapPublicIpOnLaunch"] for r in of_type(platform, "aws:ec2/subnet:Subnet")} == {False}


def test_single_nat_serves_every_private_subnet(platform: Synthesis) -> None:
    assert len(of_type(platform, "aws:ec2/natGateway:NatGateway")) == 1
    assert len(of_type(platform, "aws:ec2/eip:Eip")) == 1
    nat_id = "natgateway-"
    for index in range(2):
        [route] = named(platform, RT, f"network-private-{index}").inputs["routes"]
        assert route["cidrBlock"] == "0.0.0.0/0"
        assert route["natGatewayId"].startswith(nat_id)


def test_per_az_nat_creates_one_gateway_and_address_per_az(example: str) -> None:
    synthesis = synth_platform(example.replace("nat_gateways: single", "nat_gateways: per_az"))
    assert len(of_type(synthesis, "aws:ec2/natGateway:NatGateway")) == 2
    assert len(of_type(synthesis, "aws:ec2/eip:Eip")) == 2
    routes = [named(synthesis, RT, f"network-private-{i}").inputs["routes"][0]["natGatewayId"] for i in range(2)]
    assert routes[0] != routes[1]


def test_no_nat_leaves_private_subnets_without_a_default_route(example: str) -> None:
    synthesis = synth_platform(example.replace("nat_gateways: single", "nat_gateways: none"))
    assert of_type(synthesis, "aws:ec2/natGateway:NatGateway") == []
    assert named(synthesis, RT, "network-private-0").inputs.get("routes", []) == []


def test_public_subnets_route_to_the_internet_gateway(platform: Synthesis) -> None:
    [route] = named(platform, RT, "network-public").inputs["routes"]
    assert route["cidrBlock"] == "0.0.0.0/0"
    assert route["gatewayId"].startswith("internetgateway-")


def _rules(synthesis: Synthesis, token: str) -> set[tuple[str, str, int, str]]:
    """(group, protocol, port, source) of every rule; groups named by their role (alb, services, database)."""
    group_of_id = {
        short_id("securitygroup", g.inputs["name"]): g.name.removeprefix("security-")
        for g in of_type(synthesis, "aws:ec2/securityGroup:SecurityGroup")
    }
    found = set()
    for rule in of_type(synthesis, token):
        inputs = rule.inputs
        source = inputs.get("cidrIpv4") or inputs.get("cidrIpv6") or group_of_id[inputs["referencedSecurityGroupId"]]
        found.add(
            (group_of_id[inputs["securityGroupId"]], inputs["ipProtocol"], int(inputs.get("fromPort", -1)), source)
        )
    return found


def test_ingress_is_exactly_alb_from_anywhere_services_from_alb_database_from_services(platform: Synthesis) -> None:
    assert _rules(platform, SG_INGRESS) == {
        ("alb", "tcp", 80, "0.0.0.0/0"),
        ("alb", "tcp", 80, "::/0"),
        ("alb", "tcp", 443, "0.0.0.0/0"),
        ("alb", "tcp", 443, "::/0"),
        ("database", "tcp", 5432, "services"),
    }


def test_the_platform_egress_is_the_services_going_out_and_the_alb_to_the_services(platform: Synthesis) -> None:
    """One ALB rule for every tenant: the ALB group holds no rule per tenant (60 per direction by default)."""
    assert _rules(platform, SG_EGRESS) == {("services", "-1", -1, "0.0.0.0/0"), ("alb", "tcp", 1, "services")}


def test_the_rules_preflight_counts_are_the_rules_the_platform_makes(platform: Synthesis) -> None:
    counted: dict[tuple[str, str], int] = {}
    for token, direction in ((SG_INGRESS, "ingress"), (SG_EGRESS, "egress")):
        for group, *_ in _rules(platform, token):
            counted[(group, direction)] = counted.get((group, direction), 0) + 1
    assert counted == limits.PLATFORM_SECURITY_GROUP_RULES


def test_security_groups_carry_no_inline_rules(platform: Synthesis) -> None:
    for group in of_type(platform, "aws:ec2/securityGroup:SecurityGroup"):
        assert "ingress" not in group.inputs and "egress" not in group.inputs, group.name


def test_platform_opens_no_container_port_whatever_the_tenants_declare(example: str) -> None:
    synthesis = synth_platform(example.replace("    cpu: 512\n", "    cpu: 512\n    container_port: 8080\n"))
    assert {rule for rule in _rules(synthesis, SG_INGRESS) if rule[0] == "services"} == set()


def test_aurora_cluster_is_encrypted_private_and_iam_authenticated(platform: Synthesis) -> None:
    cluster = one(platform, "aws:rds/cluster:Cluster").inputs
    assert {
        k: cluster[k]
        for k in (
            "engine",
            "engineVersion",
            "storageEncrypted",
            "iamDatabaseAuthenticationEnabled",
            "manageMasterUserPassword",
            "backupRetentionPeriod",
            "deletionProtection",
            "enabledCloudwatchLogsExports",
            "clusterIdentifier",
            "masterUsername",
        )
    } == {
        "engine": "aurora-postgresql",
        "engineVersion": "15.8",
        "storageEncrypted": True,
        "iamDatabaseAuthenticationEnabled": True,
        "manageMasterUserPassword": True,
        "backupRetentionPeriod": 7.0,
        "deletionProtection": True,
        "enabledCloudwatchLogsExports": ["postgresql"],
        "clusterIdentifier": "saas-dev-aurora",
        "masterUsername": "saasadmin",
    }
    assert "masterPassword" not in cluster


def test_parameter_group_family_follows_the_engine_major_version(example: str) -> None:
    synthesis = synth_platform(example.replace('"15.8"', '"16.6"'))
    group = one(synthesis, "aws:rds/clusterParameterGroup:ClusterParameterGroup").inputs
    assert (group["family"], group["name"]) == ("aurora-postgresql16", "saas-dev-aurora-postgresql16")
    assert one(synthesis, "aws:rds/cluster:Cluster").inputs["engineVersion"] == "16.6"


def test_database_takes_a_final_snapshot_named_for_the_platform_generation(example: str) -> None:
    spec = spec_of(example)
    synthesis = synthesize(targets.platform_target(spec, generation="20270101120000"))
    cluster = one(synthesis, "aws:rds/cluster:Cluster").inputs
    assert (cluster["skipFinalSnapshot"], cluster["finalSnapshotIdentifier"]) == (
        False,
        "saas-dev-final-20270101120000",
    )
    assert synthesis.outputs["generation"] == "20270101120000"


def test_protected_database_is_protected_in_pulumi_too(platform: Synthesis) -> None:
    guarded = [
        r for r in platform.resources if r.type.split(":")[-1] in ("Cluster", "ClusterInstance") and ":rds/" in r.type
    ]
    assert [(r.type, r.options["protect"]) for r in guarded] == [
        ("aws:rds/cluster:Cluster", True),
        ("aws:rds/clusterInstance:ClusterInstance", True),
        ("aws:rds/clusterInstance:ClusterInstance", True),
    ]
    assert [r.name for r in platform.resources if r.options.get("protect") and r not in guarded] == []


def test_unprotected_database_carries_no_pulumi_protect(example: str) -> None:
    synthesis = synth_platform(example.replace("deletion_protection: true", "deletion_protection: false"))
    assert [r.name for r in synthesis.resources if r.options.get("protect")] == []
    assert synthesis.outputs["deletion_protection"] is False


def test_instances_follow_the_cluster_engine_version_and_majors_may_be_upgraded(platform: Synthesis) -> None:
    assert one(platform, "aws:rds/cluster:Cluster").inputs["allowMajorVersionUpgrade"] is True
    assert ["engineVersion" in i.inputs for i in of_type(platform, "aws:rds/clusterInstance:ClusterInstance")] == [
        False,
        False,
    ]


def test_aurora_and_container_insights_logs_keep_the_environment_retention(platform: Synthesis) -> None:
    groups = {
        r.inputs["name"]: r.inputs["retentionInDays"] for r in of_type(platform, "aws:cloudwatch/logGroup:LogGroup")
    }
    assert groups == {
        "/aws/rds/cluster/saas-dev-aurora/postgresql": 30.0,
        "/aws/ecs/containerinsights/saas-dev/performance": 30.0,
    }
    cluster, ecs = one(platform, "aws:rds/cluster:Cluster"), one(platform, "aws:ecs/cluster:Cluster")
    assert any(urn.endswith("::database-logs") for urn in cluster.options["dependsOn"])
    assert any(urn.endswith("::cluster-insights") for urn in ecs.options["dependsOn"])


def test_throwaway_environment_skips_the_final_snapshot(example: str) -> None:
    synthesis = synth_platform(example.replace("  region: us-east-1\n", "  region: us-east-1\n  throwaway: true\n"))
    cluster = one(synthesis, "aws:rds/cluster:Cluster").inputs
    assert cluster["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in cluster


def test_cluster_instances_match_count_and_class_and_are_private(platform: Synthesis) -> None:
    instances = of_type(platform, "aws:rds/clusterInstance:ClusterInstance")
    assert [(i.inputs["identifier"], i.inputs["instanceClass"], i.inputs["publiclyAccessible"]) for i in instances] == [
        ("saas-dev-aurora-0", "db.r6g.large", False),
        ("saas-dev-aurora-1", "db.r6g.large", False),
    ]


def test_database_subnet_group_uses_the_private_subnets(platform: Synthesis) -> None:
    group = one(platform, "aws:rds/subnetGroup:SubnetGroup").inputs
    private = {r.name for r in of_type(platform, "aws:ec2/subnet:Subnet") if "private" in r.name}
    assert len(group["subnetIds"]) == len(private) == 2


def test_alb_is_internet_facing_and_drops_invalid_headers(platform: Synthesis) -> None:
    alb = one(platform, "aws:lb/loadBalancer:LoadBalancer").inputs
    assert (alb["internal"], alb["loadBalancerType"], alb["dropInvalidHeaderFields"], alb["name"]) == (
        False,
        "application",
        True,
        "saas-dev-alb",
    )
    assert len(alb["subnets"]) == 2


def test_without_certificate_http_answers_404_by_default(platform: Synthesis) -> None:
    [listener] = of_type(platform, "aws:lb/listener:Listener")
    assert (listener.inputs["port"], listener.inputs["protocol"]) == (80.0, "HTTP")
    assert listener.inputs["defaultActions"][0]["fixedResponse"]["statusCode"] == "404"


CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abc-123"


def test_with_certificate_http_redirects_and_https_serves_with_a_tls13_policy(example: str) -> None:
    synthesis = synth_platform(example.replace("certificate_arn: null", f"certificate_arn: {CERT}"))
    http, https = (
        named(synthesis, LISTENER, "load-balancer-http").inputs,
        named(synthesis, LISTENER, "load-balancer-https").inputs,
    )
    assert http["defaultActions"][0]["redirect"] == {"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"}
    assert (https["port"], https["certificateArn"], https["sslPolicy"]) == (
        443.0,
        CERT,
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
    )
    assert https["defaultActions"][0]["fixedResponse"]["statusCode"] == "404"


def test_ecs_cluster_has_container_insights(platform: Synthesis) -> None:
    cluster = one(platform, "aws:ecs/cluster:Cluster").inputs
    assert cluster["settings"] == [{"name": "containerInsights", "value": "enabled"}]


def test_platform_exports_every_platform_output_key(platform: Synthesis) -> None:
    from infra.outputs import PlatformOutputs

    assert tuple(platform.outputs) == (*PlatformOutputs.keys(), "owner", "database_engine_version", "network")


def test_platform_records_the_project_environment_region_and_account_it_was_deployed_for(platform: Synthesis) -> None:
    assert platform.outputs["owner"] == {
        "project": "saas",
        "environment": "dev",
        "region": "us-east-1",
        "account": "123456789012",
    }


def test_platform_outputs_read_back_from_the_stack_are_typed(platform: Synthesis) -> None:
    from infra.outputs import PlatformOutputs

    assert PlatformOutputs.from_stack_outputs(platform.outputs).listener_protocol == "HTTP"


def test_every_aws_resource_uses_the_tagged_provider(platform: Synthesis) -> None:
    provider = one(platform, "pulumi:providers:aws")
    tags = json.loads(provider.inputs["defaultTags"])["tags"]
    assert tags == {"cost-center": "platform", "project": "saas", "environment": "dev", "managed-by": "saasctl"}
    assert [r.name for r in platform.resources if r.type.startswith("aws:") and not uses_stack_provider(r)] == []


def test_the_cluster_has_the_data_api_that_makes_tenant_databases(platform: Synthesis) -> None:
    assert one(platform, "aws:rds/cluster:Cluster").inputs["enableHttpEndpoint"] is True
    assert platform.outputs["database_cluster_arn"] == "arn:aws:rds:us-east-1:123456789012:cluster:saas-dev-aurora"


def test_a_zone_given_by_name_is_looked_up_and_exported_for_the_tenants(example: str) -> None:
    synthesis = synth_platform(example.replace("  network:\n", "  dns: {zone_name: example.com}\n  network:\n", 1))
    assert synthesis.outputs["dns_zone_id"].startswith("Z") and len(synthesis.outputs["dns_zone_id"]) > 1
    assert synthesis.outputs["load_balancer_zone_id"] == "Z35SXDOTRQ7X7K"


def test_without_dns_the_zone_output_is_empty(platform: Synthesis) -> None:
    assert platform.outputs["dns_zone_id"] == ""


def test_security_group_names_and_descriptions_use_only_what_ec2_accepts(platform: Synthesis, acme: Synthesis) -> None:
    import re

    from infra import aws_limits as limits

    groups = of_type(platform, "aws:ec2/securityGroup:SecurityGroup") + of_type(
        acme, "aws:ec2/securityGroup:SecurityGroup"
    )
    assert len(groups) == 4
    for group in groups:
        assert re.fullmatch(limits.SECURITY_GROUP.pattern, group.inputs["name"]), group.inputs["name"]
        assert re.fullmatch(limits.SECURITY_GROUP_CHARACTERS, group.inputs["description"]), group.inputs["description"]


def test_a_platform_restored_from_a_snapshot_creates_its_cluster_from_it(example: str) -> None:
    text = example.replace(
        "    deletion_protection: true\n",
        "    deletion_protection: true\n    restore_from: saas-dev-final-20260101000000\n",
    )
    cluster = one(synth_platform(text), "aws:rds/cluster:Cluster")
    assert cluster.inputs["snapshotIdentifier"] == "saas-dev-final-20260101000000"


def test_the_snapshot_is_read_only_when_the_cluster_is_created(platform: Synthesis) -> None:
    # snapshot_identifier is ForceNew in terraform-provider-aws: a later change must not replace the cluster.
    assert one(platform, "aws:rds/cluster:Cluster").options["ignoreChanges"] == ["snapshotIdentifier"]


def test_the_engine_version_is_left_as_the_stack_holds_it_when_the_cluster_already_runs_it(example: str) -> None:
    # After AWS's own minor upgrade to 15.10 the stack still holds 15.8: the deploy asks for 15.10, and sends no
    # ModifyDBCluster EngineVersion equal to what runs (terraform-provider-aws never does; RDS's answer is unknown).
    spec = spec_of(example)
    cluster = one(synthesize(targets.platform_target(spec, running_engine_version="15.10")), "aws:rds/cluster:Cluster")
    assert (cluster.inputs["engineVersion"], cluster.options["ignoreChanges"]) == (
        "15.10",
        ["snapshotIdentifier", "engineVersion"],
    )


def test_an_engine_version_the_cluster_does_not_run_yet_is_sent(example: str) -> None:
    spec = spec_of(example)
    cluster = one(synthesize(targets.platform_target(spec, running_engine_version="15.4")), "aws:rds/cluster:Cluster")
    assert (cluster.inputs["engineVersion"], cluster.options["ignoreChanges"]) == ("15.8", ["snapshotIdentifier"])


def test_a_major_upgrades_new_parameter_group_is_created_before_the_old_one_goes(platform: Synthesis) -> None:
    group = one(platform, "aws:rds/clusterParameterGroup:ClusterParameterGroup")
    assert (group.inputs["name"], group.options["deleteBeforeReplace"]) == ("saas-dev-aurora-postgresql15", False)


def test_version_and_class_changes_apply_with_the_deploy_not_at_the_maintenance_window(platform: Synthesis) -> None:
    assert one(platform, "aws:rds/cluster:Cluster").inputs["applyImmediately"] is True
    assert {i.inputs["applyImmediately"] for i in of_type(platform, "aws:rds/clusterInstance:ClusterInstance")} == {
        True
    }


def test_the_alb_waits_for_the_internet_gateway_and_the_public_routes(platform: Synthesis) -> None:
    alb = named(platform, "aws:lb/loadBalancer:LoadBalancer", "load-balancer-alb")
    after = {urn.rsplit("::", 1)[-1] for urn in alb.options["dependsOn"]}
    types = {urn.split("::")[-2].split("$")[-1] for urn in alb.options["dependsOn"]}
    assert after >= {"network-igw", "network-public", "network-public-0", "network-public-1"}
    assert types >= {
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
    }


def test_a_new_zones_subnet_joins_the_alb_only_after_its_route_table_association(example: str) -> None:
    # Raising availability_zones updates the ALB's subnets in place (SetSubnets). AWS checks only that the VPC has
    # an internet gateway (tests/aws_double/services/elbv2.py), so the order is the program's to keep: the new public
    # subnet routes to the gateway before the ALB spans it, or its ALB node would be unreachable.
    synthesis = synth_platform(example.replace("availability_zones: 2", "availability_zones: 3"))
    alb = named(synthesis, "aws:lb/loadBalancer:LoadBalancer", "load-balancer-alb")
    after = {(urn.split("::")[-2].split("$")[-1], urn.rsplit("::", 1)[-1]) for urn in alb.options["dependsOn"]}
    assert ("aws:ec2/routeTableAssociation:RouteTableAssociation", "network-public-2") in after


def test_zones_are_the_regions_standard_zones_as_preflight_counts_them(
    example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[dict[str, Any]] = []
    answer = SynthMocks.call

    def record(self: SynthMocks, args: Any) -> Any:
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            asked.append(dict(args.args))
        return answer(self, args)

    monkeypatch.setattr(SynthMocks, "call", record)
    synthesize(targets.platform_target(spec_of(example)))  # not the cached synthesis: this one is watched
    assert [a.get("filters") for a in asked] == [[{"name": "zone-type", "values": ["availability-zone"]}]]
