"""Fleet capacity, offline: every tenant at its autoscaling maximum against the account's limits."""

from __future__ import annotations

import pytest

from saas_ctl.errors import SpecError
from saas_ctl.preflight import capacity
from saas_ctl.preflight.findings import Finding, Severity
from saas_ctl.spec.loader import load_bytes
from tests.conftest import fleet_yaml, spec_of


def findings(text: str) -> list[Finding]:
    return capacity.check(spec_of(text))


def only(text: str, code: str) -> Finding:
    found = [f for f in findings(text) if f.code == code]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("tenants", [250, 1000])
def test_a_large_fleet_in_cells_fits_the_default_quotas(tenants: int) -> None:
    assert findings(fleet_yaml(tenants)) == []


@pytest.mark.parametrize("tenants", [250, 1000])
def test_a_large_fleet_without_cells_is_refused_when_the_file_is_read(tenants: int) -> None:
    with pytest.raises(SpecError) as caught:
        load_bytes(fleet_yaml(tenants, assign_cells=False).encode(), "t.yaml")
    [issue] = caught.value.issues
    assert (issue.line, issue.path) == (2 * 100 + 14, "tenants[100].cell")
    assert issue.message.startswith(
        f"cell 1 holds {tenants} tenants; a cell is one ALB, which takes at most 100 target groups (not "
        f"adjustable), one per tenant. {tenants} tenants need at least {-(-tenants // 90)} cells"
    )


def test_the_demand_counts_every_tenant_at_its_maximum() -> None:
    spec = spec_of(fleet_yaml(10, defaults="autoscaling: {min: 1, max: 3}"))
    fleet = capacity.demand(spec)
    # 10 tenants x 3 tasks x 0.25 vCPU; 2 per AZ each (3 over 2 AZs, rounded up) plus one database instance
    assert (fleet.tasks, fleet.vcpus, fleet.private_addresses_per_az) == (30, 7.5, 21)
    assert fleet.network_interfaces == 30 + 2 + 2 + 1  # tasks, one ALB in 2 AZs, 2 instances, 1 NAT


def test_fargate_vcpus_over_a_declared_quota_are_an_error_with_the_numbers() -> None:
    found = only(fleet_yaml(10, platform="quotas: {fargate_on_demand_vcpus: 8}"), "FLEET-FARGATE-VCPU")
    assert (found.severity, found.message) == (
        Severity.ERROR,
        "at every tenant's autoscaling maximum the fleet runs 40 tasks with 10 vCPUs; the Fargate On-Demand vCPU "
        "resource count is 8 (platform.quotas.fargate_on_demand_vcpus), so about 8 tenants of this average size "
        "(1 vCPUs each at maximum) fit",
    )
    assert found.fix is not None and "fargate L-3032A538" in found.fix


def test_fargate_vcpus_are_checked_against_aws_default_when_none_is_declared() -> None:
    found = only(fleet_yaml(1001, defaults="autoscaling: {min: 1, max: 16}"), "FLEET-FARGATE-VCPU")
    assert "is 4000 (AWS's default)" in found.message


def test_tasks_that_do_not_fit_the_private_subnets_are_an_error_naming_a_block_that_fits() -> None:
    found = only(fleet_yaml(40, platform="network: {vpc_cidr: 10.0.0.0/24, max_zones: 2}"), "FLEET-SUBNET-ADDRESSES")
    assert (found.severity, found.path) == (Severity.ERROR, ("platform", "network", "vpc_cidr"))
    assert found.message == (
        "at every tenant's autoscaling maximum each private subnet needs 81 addresses (one per task, spread over 2 "
        "AZs, and the database instances); a subnet of 10.0.0.0/24 has 59 usable, so about 29 tenants of this size "
        "fit"
    )
    assert found.fix == (
        "lower autoscaling.max; or, for a new environment (a deployed platform's network cannot change in place), "
        "use a vpc_cidr of /23 or larger or more availability_zones"
    )


def test_subnets_are_counted_as_carved_for_max_zones_not_for_the_zones_in_use() -> None:
    # 2 zones in use, carved for 4: eight /27 slots of a /24, 27 usable addresses each (32 less AWS's 5).
    found = only(fleet_yaml(40, platform="network: {vpc_cidr: 10.0.0.0/24}"), "FLEET-SUBNET-ADDRESSES")
    assert found.message == (
        "at every tenant's autoscaling maximum each private subnet needs 81 addresses (one per task, spread over 2 "
        "AZs, and the database instances); a subnet of 10.0.0.0/24 has 27 usable, so about 13 tenants of this size "
        "fit"
    )
    assert found.fix.endswith("use a vpc_cidr of /22 or larger or more availability_zones")


def test_private_subnets_nearly_full_are_a_warning() -> None:
    found = only(fleet_yaml(27, platform="network: {vpc_cidr: 10.0.0.0/24, max_zones: 2}"), "FLEET-SUBNET-ADDRESSES")
    assert found.severity == Severity.WARNING  # 55 of 59


def test_cells_that_do_not_fit_the_public_subnets_are_an_error() -> None:
    text = fleet_yaml(1, platform="network: {vpc_cidr: 10.0.0.0/24, max_zones: 2}", load_balancer="cells: 8")
    found = only(text, "FLEET-PUBLIC-ADDRESSES")
    assert found.message == (
        "8 ALBs need at least 8 free addresses each in every public subnet (65 with the NAT gateway); a subnet of "
        "10.0.0.0/24 has 59 usable, so 7 cells fit"
    )


def test_more_cells_than_the_alb_quota_is_an_error_saying_how_many_tenants_fit() -> None:
    found = only(fleet_yaml(1, load_balancer="cells: 51"), "FLEET-ALBS")
    assert found.message == (
        "the fleet runs 51 cells, one ALB each; Application Load Balancers per Region is 50 (AWS's default), so at "
        "most 4500 tenants fit at 90 per cell"
    )
    assert found.fix is not None and "elasticloadbalancing L-53DA6B97" in found.fix


def test_a_raised_alb_quota_declared_in_the_file_is_honoured() -> None:
    text = fleet_yaml(1, load_balancer="cells: 51", platform="quotas: {application_load_balancers: 60}")
    assert [f for f in findings(text) if f.code == "FLEET-ALBS"] == []


def test_more_tenants_than_the_regions_target_groups_is_an_error() -> None:
    found = only(fleet_yaml(6, platform="quotas: {target_groups: 5}"), "FLEET-TARGET-GROUPS")
    assert found.message == (
        "6 tenants need 6 target groups; Target Groups per Region is 5 (platform.quotas.target_groups), so 5 "
        "tenants fit"
    )


def test_more_tenants_than_services_per_cluster_is_an_error() -> None:
    found = only(fleet_yaml(6, platform="quotas: {services_per_cluster: 5}"), "FLEET-SERVICES")
    assert "so 5 tenants fit" in found.message


def test_network_interfaces_over_the_quota_are_an_error() -> None:
    found = only(fleet_yaml(10, platform="quotas: {network_interfaces: 30}"), "FLEET-NETWORK-INTERFACES")
    assert found.message.endswith("is 30 (platform.quotas.network_interfaces), so about 6 tenants of this size fit")


def test_a_cell_fuller_than_tenants_per_cell_is_a_warning() -> None:
    text = fleet_yaml(3, tenants_per_cell=2, assign_cells=False)
    found = only(text, "CELL-OVER-SIZE")
    assert (found.severity, found.message.split(";")[0]) == (
        Severity.WARNING,
        "cell 1 holds 3 tenants, more than tenants_per_cell (2)",
    )
