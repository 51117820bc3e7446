"""The platform program: one per environment, shared by every tenant."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from infra import aws_modules, naming
from infra.inputs import PlatformInputs
from infra.outputs import (
    ENGINE_VERSION_OUTPUT,
    NETWORK_OUTPUT,
    OWNER_OUTPUT,
    PlatformOutputs,
    network_record,
    owner_record,
)
from infra.platform.database import Database, DatabaseArgs
from infra.platform.load_balancer import LoadBalancer, LoadBalancerArgs
from infra.platform.network import Network, NetworkArgs
from infra.platform.security import SecurityGroups, SecurityGroupsArgs
from infra.provider import ProviderSettings, aws_provider


def dns_zone_id(inputs: PlatformInputs, parent: pulumi.Resource) -> pulumi.Input[str]:
    """The hosted zone tenant records go in: as given, or looked up by name (a public zone); "" without DNS."""
    if not inputs.environment.dns:
        return ""
    if inputs.dns_zone_id:
        return inputs.dns_zone_id
    zone = aws.route53.get_zone_output(
        # Through a component of the program, which carries the explicit provider (as the network's
        # availability-zone lookup does).
        name=inputs.dns_zone_name,
        private_zone=False,
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    return zone.zone_id


def platform_program(
    platform: PlatformInputs,
    endpoint_url: str | None = None,
    generation: str = naming.GENERATION_EXAMPLE,
) -> PlatformOutputs:
    """Create the platform and export :class:`PlatformOutputs` as stack outputs; it runs ``platform.cells``
    cells (ALBs).

    ``generation`` names this platform's lifetime (the UTC time its stack was first deployed, kept across
    updates): the cluster's final snapshot is named with it.

    Runs under the Automation API (as an inline program), under ``pulumi.runtime.set_mocks`` (offline
    synthesis and tests), or by hand from a ``__main__.py`` that loads a spec, translates it
    (``saas_ctl.stacks.inputs``) and calls it.
    """
    aws_modules.load()
    env = platform.environment
    names = naming.PlatformNames(env.project, env.environment)
    tags = naming.tags(env.project, env.environment, None, platform.tags)
    provider = aws_provider("aws", ProviderSettings(env.region, tags, endpoint_url))
    opts = pulumi.ResourceOptions(providers=[provider])

    network = Network(
        "network",
        NetworkArgs(
            names.vpc, platform.vpc_cidr, platform.availability_zones, platform.max_zones, platform.nat_gateways
        ),
        opts,
    )
    groups = SecurityGroups(
        "security",
        SecurityGroupsArgs(names.base, network.vpc_id, platform.vpc_cidr),
        opts,
    )
    database = Database(
        "database",
        DatabaseArgs(
            names=names,
            engine_version=platform.engine_version,
            instance_class=platform.instance_class,
            instances=platform.instances,
            backup_retention_days=platform.backup_retention_days,
            deletion_protection=platform.deletion_protection,
            final_snapshot_identifier=None if platform.throwaway else names.db_final_snapshot_identifier(generation),
            log_retention_days=env.log_retention_days,
            subnet_ids=network.private_subnet_ids,
            security_group_id=groups.database_id,
            restore_from=platform.restore_from,
            engine_version_runs=platform.engine_version_runs,
        ),
        opts,
    )
    # One ALB per cell. Cell 1 keeps the logical and AWS names of the environment's original ALB, so an
    # environment from before cells replaces nothing when it gains more.
    balancers = [
        LoadBalancer(
            "load-balancer" if cell == 1 else f"load-balancer-cell-{cell}",
            LoadBalancerArgs(
                names.cell_load_balancer(cell),
                network.public_subnet_ids,
                groups.alb_id,
                platform.certificate_arn,
                after=tuple(network.internet_ready),
            ),
            opts,
        )
        for cell in range(1, platform.cells + 1)
    ]
    alb = balancers[0]
    # Container Insights writes here; created first, with the environment's retention, instead of by ECS
    # with none.
    insights = aws.cloudwatch.LogGroup(
        "cluster-insights",
        name=names.container_insights_log_group,
        retention_in_days=env.log_retention_days,
        opts=pulumi.ResourceOptions(provider=provider),
    )
    cluster = aws.ecs.Cluster(
        "cluster",
        name=names.ecs_cluster,
        settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
        opts=pulumi.ResourceOptions(provider=provider, depends_on=[insights]),
    )

    outputs = PlatformOutputs(
        vpc_id=network.vpc_id,
        private_subnet_ids=pulumi.Output.all(*network.private_subnet_ids),
        service_security_group_id=groups.services_id,
        alb_security_group_id=groups.alb_id,
        load_balancer_arn=alb.arn,
        load_balancer_dns_name=alb.dns_name,
        load_balancer_zone_id=alb.zone_id,
        listener_arn=alb.tenant_listener_arn,
        listener_protocol=alb.tenant_listener_protocol,
        cluster_arn=cluster.arn,
        cluster_name=cluster.name,
        database_endpoint=database.endpoint,
        database_reader_endpoint=database.reader_endpoint,
        database_port=database.port,
        database_resource_id=database.resource_id,
        database_master_secret_arn=database.master_secret_arn,
        database_cluster_arn=database.arn,
        dns_zone_id=dns_zone_id(platform, network),
        deletion_protection=platform.deletion_protection,
        generation=generation,
        cells=[
            {
                "cell": number,
                "load_balancer_arn": cell.arn,
                "load_balancer_dns_name": cell.dns_name,
                "load_balancer_zone_id": cell.zone_id,
                "listener_arn": cell.tenant_listener_arn,
            }
            for number, cell in enumerate(balancers, start=1)
        ],
    )
    for key, value in outputs.as_dict().items():
        pulumi.export(key, value)
    account = database.arn.apply(lambda arn: arn.split(":")[4])  # the cluster's ARN names the account
    pulumi.export(OWNER_OUTPUT, owner_record(env.project, env.environment, env.region, account))
    # The version the cluster runs (AWS upgrades minors on its own): the next deploy never asks for less.
    pulumi.export(ENGINE_VERSION_OUTPUT, database.engine_version_actual)
    pulumi.export(NETWORK_OUTPUT, network_record(platform.vpc_cidr, platform.availability_zones, platform.max_zones))
    return outputs
