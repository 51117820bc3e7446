"""The tenant program: everything one tenant owns, built only from its settings and the platform outputs."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from infra import aws_modules, naming
from infra.inputs import TenantInputs
from infra.outputs import (
    CONTAINER_PORT_OUTPUT,
    MOVING_TARGET_GROUP_OUTPUT,
    MOVING_TO_OUTPUT,
    OWNER_OUTPUT,
    PORT_CHANGING_TO_OUTPUT,
    PORT_TARGET_GROUP_OUTPUT,
    SUSPENDED_OUTPUT,
    PlatformOutputs,
    owner_record,
)
from infra.provider import ProviderSettings, aws_provider
from infra.tenant.firewall import FirewallArgs, TenantFirewall
from infra.tenant.iam import IamArgs, TenantIam
from infra.tenant.kept import NOTHING_KEPT, KeptData
from infra.tenant.routing import RoutingArgs, TenantRouting
from infra.tenant.secret import SecretArgs, TenantSecret
from infra.tenant.service import DatabaseConnection, ServiceArgs, TenantService
from infra.tenant.storage import StorageArgs, TenantStorage


def db_user_arn(cluster_arn: str, region: str, resource_id: str, user: str) -> str:
    """The ``rds-db:connect`` resource of one database user, in the platform's partition and account."""
    parts = cluster_arn.split(":")
    partition, account = parts[1], parts[4]
    return f"arn:{partition}:rds-db:{region}:{account}:dbuser:{resource_id}/{user}"


def tenant_program(
    tenant: TenantInputs,
    platform: PlatformOutputs,
    *,
    delete_data: bool = False,
    endpoint_url: str | None = None,
    kept: KeptData = NOTHING_KEPT,
    redeploy: str | None = None,
    resume: bool = False,
) -> None:
    """Create one tenant's stack. ``tenant`` carries its effective settings (``saas_ctl.stacks.inputs``).

    ``delete_data`` makes the next destroy delete the bucket's objects and the secret immediately; by
    default both are retained in the account when the stack is destroyed. ``kept`` names data an earlier
    destroy kept: it is imported (adopted) instead of created. ``redeploy`` (a token new to this deploy) forces a
    new ECS deployment of the service even when its task definition is unchanged. ``resume``: the stack was
    deployed suspended and the tenant no longer is, so its service's desired count is set again.
    """
    aws_modules.load()
    env = tenant.environment
    region = env.region
    account = platform.account()
    names = naming.TenantNames(env.project, env.environment, region, tenant.name, account)
    tags = naming.tags(env.project, env.environment, tenant.name, tenant.tags)
    provider = aws_provider("aws", ProviderSettings(region, tags, endpoint_url))
    opts = pulumi.ResourceOptions(providers=[provider])

    # Kept data is adopted under the name it has (a bucket kept before the account was part of its name has the
    # legacy name).
    storage = TenantStorage(
        "storage", StorageArgs(kept.bucket or names.bucket, delete_data, adopt=kept.bucket is not None), opts
    )
    logs = aws.cloudwatch.LogGroup(
        "logs",
        name=names.log_group,
        retention_in_days=tenant.log_retention_days or env.log_retention_days,
        opts=pulumi.ResourceOptions(provider=provider),
    )
    secret = TenantSecret(
        "secret",
        SecretArgs(names.secret, delete_data, kept.secret_arn, kept.secret_version_import_id),
        opts,
    )
    firewall = TenantFirewall(
        "firewall",
        FirewallArgs(
            names.security_group,
            platform.vpc_id,
            platform.alb_security_group_id,
            tenant.container_port,
            tenant.changing_from,
        ),
        opts,
    )
    iam = TenantIam(
        "iam",
        IamArgs(
            execution_role_name=names.execution_role,
            task_role_name=names.task_role,
            log_group_arn=logs.arn,
            secret_arn=secret.arn,
            bucket_arn=storage.bucket_arn,
            db_user_arn=pulumi.Output.all(platform.cluster_arn, platform.database_resource_id).apply(
                lambda v: db_user_arn(v[0], region, v[1], names.database_user)
            ),
            image=tenant.image,
            region=region,
            account=account,
        ),
        opts,
    )

    # One routing (target group and listener rule) per cell the tenant is in: its own cell, and during a move also
    # the cell it moves from, until the move's last pass (README "Moving a tenant without an outage"). Each is named
    # for its cell, so the last pass keeps the new cell's (created by the first) and deletes the previous one's,
    # after the service and DNS no longer use them. The serving cell's routing carries
    # the name stacks deployed before moves used ("routing"), so those stacks adopt it unchanged. During the first
    # pass of a port change the serving cell's routing also keeps the previous port's target group, which its rule
    # still forwards to (README "Changing a tenant's port without an outage").
    def cell_routing(number: int) -> TenantRouting:
        serving = number == tenant.serving_cell
        previous_port = tenant.changing_from if serving else None
        return TenantRouting(
            f"routing-cell{number}",
            RoutingArgs(
                target_group_name=names.target_group(tenant.container_port, number),
                vpc_id=platform.vpc_id,
                listener_arn=platform.cell(number).listener_arn,
                container_port=tenant.container_port,
                health_check_path=tenant.health_check_path,
                priority=tenant.priority_in(number),
                hosts=tenant.hosts,
                suspended_page=tenant.suspended_page if tenant.suspended else None,
                previous=(previous_port, names.target_group(previous_port, number)) if previous_port else None,
            ),
            pulumi.ResourceOptions(providers=[provider], aliases=[pulumi.Alias(name="routing")] if serving else None),
        )

    previous = tenant.moving_from
    by_cell = {number: cell_routing(number) for number in ([previous.cell] if previous else []) + [tenant.cell]}
    routing = by_cell[tenant.serving_cell]
    routings = list(by_cell.values())  # the previous cell's first
    serving_cell = platform.cell(tenant.serving_cell)
    service = TenantService(
        "service",
        ServiceArgs(
            region=region,
            family=names.task_family,
            service_name=names.ecs_service,
            container_name=names.container,
            scaling_policy_name=names.scaling_policy,
            image=tenant.image,
            container_port=tenant.container_port,
            cpu=tenant.cpu,
            memory=tenant.memory,
            desired_count=tenant.desired_count,
            min_count=tenant.min_count,
            max_count=tenant.max_count,
            cpu_target=tenant.cpu_target,
            environment=tenant.variables,
            execution_role_arn=iam.execution_role_arn,
            task_role_arn=iam.task_role_arn,
            log_group_name=logs.name,
            secret_arn=secret.arn,
            cluster_arn=platform.cluster_arn,
            cluster_name=platform.cluster_name,
            subnet_ids=platform.private_subnet_ids,
            security_group_ids=[platform.service_security_group_id, firewall.group_id],
            # A service lists up to 5 target groups (ECS Developer Guide, "Use multiple target groups for a
            # service"): at most 3 here, a port change during a move.
            target_group_arns=[arn for r in routings for arn in r.target_group_arns],
            listener_rules=[r.rule for r in routings],
            ingress_rules=list(firewall.rules),
            database=DatabaseConnection(
                host=platform.database_endpoint,
                reader_host=platform.database_reader_endpoint,
                port=platform.database_port,
                name=names.database_user,
                user=names.database_user,
            ),
            role_policies=iam.policies,
            redeploy=redeploy,
            suspended=tenant.suspended,
            resume=resume and not tenant.suspended,
        ),
        opts,
    )

    if env.dns:
        # One alias record per host, at its cell's load balancer (A: the ALB is IPv4); the health of its targets
        # decides whether Route 53 answers.
        for host in tenant.hosts:
            aws.route53.Record(
                f"dns-{host}",
                zone_id=platform.dns_zone_id,
                name=host,
                type="A",
                aliases=[
                    aws.route53.RecordAliasArgs(
                        name=serving_cell.load_balancer_dns_name,
                        zone_id=serving_cell.load_balancer_zone_id,
                        evaluate_target_health=True,
                    )
                ],
                # platform.dns.take_over: an A record already at the host is replaced (UPSERT) instead of refused
                # (InvalidChangeBatch "already exists"); live preflight finds such records first.
                allow_overwrite=True if env.dns_take_over else None,
                opts=pulumi.ResourceOptions(provider=provider),
            )

    scheme = pulumi.Output.from_input(platform.listener_protocol).apply(lambda p: p.lower())
    pulumi.export(OWNER_OUTPUT, owner_record(env.project, env.environment, region, account))
    pulumi.export("bucket_name", storage.bucket_name)
    pulumi.export("service_name", service.service_name)
    pulumi.export("log_group_name", logs.name)
    pulumi.export("secret_arn", secret.arn)
    pulumi.export("target_group_arn", routing.target_group_arn)
    pulumi.export("task_definition_arn", service.task_definition_arn)
    pulumi.export("cell", tenant.serving_cell)
    pulumi.export(SUSPENDED_OUTPUT, tenant.suspended)
    pulumi.export("load_balancer_dns_name", serving_cell.load_balancer_dns_name)
    if previous is not None and not previous.switched:  # a move's first pass: where it switches to once healthy
        pulumi.export(MOVING_TO_OUTPUT, tenant.cell)
        pulumi.export(MOVING_TARGET_GROUP_OUTPUT, by_cell[tenant.cell].target_group_arn)
    pulumi.export(CONTAINER_PORT_OUTPUT, tenant.serving_port)
    if tenant.changing_port:  # a port change's first pass: the port and group it switches to once healthy
        pulumi.export(PORT_CHANGING_TO_OUTPUT, tenant.container_port)
        pulumi.export(PORT_TARGET_GROUP_OUTPUT, routing.new_target_group_arn)
    pulumi.export("urls", scheme.apply(lambda s: [f"{s}://{host}" for host in tenant.hosts]))
