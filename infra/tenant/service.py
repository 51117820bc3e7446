"""The tenant's Fargate service: task definition, service behind its target group, CPU auto-scaling."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra.naming import DATABASE_ENVIRONMENT, SECRET_KEYS


@dataclass(frozen=True)
class DatabaseConnection:
    """Where the tenant's database is: plain task environment (DB_HOST, DB_READER_HOST, DB_PORT, DB_NAME,
    DB_USER), refreshed by every deploy, so a re-created platform's new endpoint reaches every tenant."""

    host: pulumi.Input[str]
    reader_host: pulumi.Input[str]
    port: pulumi.Input[int]
    name: str
    user: str


@dataclass(frozen=True)
class ServiceArgs:
    region: str
    family: str
    service_name: str
    container_name: str
    scaling_policy_name: str
    image: str
    container_port: int
    cpu: int
    memory: int
    desired_count: int
    min_count: int
    max_count: int
    cpu_target: int
    environment: dict[str, str]
    execution_role_arn: pulumi.Input[str]
    task_role_arn: pulumi.Input[str]
    log_group_name: pulumi.Input[str]
    secret_arn: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]
    security_group_ids: list[pulumi.Input[str]]
    # The target groups the service registers its tasks in: one, or two during the first pass of a cell move
    # (an ECS service takes several load_balancers entries; ECS Developer Guide, "Use multiple target groups for a
    # service"), each behind its listener rule, which must exist before the service. A port change's first pass
    # adds the new port's group: ECS starts the new tasks with the new load_balancers and stops the old ones once
    # the new ones run (ECS API Reference, UpdateService, loadBalancers: "you can update from a single target group
    # to multiple target groups and from multiple target groups to a single target group").
    target_group_arns: list[pulumi.Input[str]]
    listener_rules: list[pulumi.Resource]
    database: DatabaseConnection
    # The roles' inline policies: the first task must not start before it may read its secret and logs.
    role_policies: list[pulumi.Resource]
    # `tenant up --redeploy`: a token new to this deploy, which forces ECS to start a new deployment (fresh tasks
    # of the same task definition); None otherwise.
    redeploy: str | None = None
    # The tenant group's ingress rules: a new task's port is admitted before it starts.
    ingress_rules: list[pulumi.Resource] = field(default_factory=list)
    # Suspended: 0 tasks, and auto-scaling's min and max 0 so that it starts none.
    suspended: bool = False
    # This deploy resumes a suspended service: it sets the desired count back (auto-scaling owns it otherwise).
    resume: bool = False


def database_environment(db: DatabaseConnection, host: str, reader_host: str, port: int) -> dict[str, str]:
    return dict(zip(DATABASE_ENVIRONMENT, (host, reader_host, str(int(port)), db.name, db.user), strict=True))


def container_definitions(args: ServiceArgs, log_group: str, secret_arn: str, database: dict[str, str]) -> str:
    environment = {**args.environment, **database}
    return json.dumps(
        [
            {
                "name": args.container_name,
                "image": args.image,
                "essential": True,
                "portMappings": [{"containerPort": args.container_port, "protocol": "tcp"}],
                "environment": [{"name": k, "value": v} for k, v in sorted(environment.items())],
                "secrets": [{"name": key.upper(), "valueFrom": f"{secret_arn}:{key}::"} for key in SECRET_KEYS],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": log_group,
                        "awslogs-region": args.region,
                        "awslogs-stream-prefix": "app",
                    },
                },
            }
        ]
    )


class TenantService(pulumi.ComponentResource):
    service_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]  # the revision this deploy asked ECS to roll out

    def __init__(self, name: str, args: ServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:tenant:Service", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        task = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=args.family,
            cpu=str(args.cpu),
            memory=str(args.memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture="X86_64"
            ),
            execution_role_arn=args.execution_role_arn,
            task_role_arn=args.task_role_arn,
            container_definitions=pulumi.Output.all(
                args.log_group_name, args.secret_arn, args.database.host, args.database.reader_host, args.database.port
            ).apply(
                lambda v: container_definitions(args, v[0], v[1], database_environment(args.database, v[2], v[3], v[4]))
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.role_policies),
        )
        service = aws.ecs.Service(
            f"{name}-service",
            name=args.service_name,
            cluster=args.cluster_arn,
            task_definition=task.arn,
            desired_count=0 if args.suspended else args.desired_count,
            launch_type="FARGATE",
            propagate_tags="SERVICE",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.subnet_ids, security_groups=args.security_group_ids, assign_public_ip=False
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=arn,
                    container_name=args.container_name,
                    container_port=args.container_port,
                )
                for arn in args.target_group_arns
            ],
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            health_check_grace_period_seconds=60,
            # A redeploy changes `triggers` with force_new_deployment set: terraform-provider-aws
            # (internal/service/ecs/service.go, triggersCustomizeDiff) keeps a triggers change only when
            # force_new_deployment is true, and resourceServiceUpdate then sends UpdateService with
            # ForceNewDeployment. Without --redeploy both are left out: a triggers change alone is cleared from the
            # plan, so nothing redeploys by itself.
            force_new_deployment=True if args.redeploy else None,
            triggers={"redeploy": args.redeploy} if args.redeploy else None,
            # The target group must be attached to a listener before CreateService, or AWS answers "does not
            # have an associated load balancer"; auto-scaling owns desired_count once the service exists, except
            # when a suspension sets it to 0 or a resume sets it back.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[*args.listener_rules, *args.ingress_rules],
                ignore_changes=[] if args.suspended or args.resume else ["desiredCount"],
            ),
        )
        resource_id = pulumi.Output.concat("service/", args.cluster_name, "/", service.name)
        target = aws.appautoscaling.Target(
            f"{name}-scaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=resource_id,
            min_capacity=0 if args.suspended else args.min_count,
            max_capacity=0 if args.suspended else args.max_count,
            opts=child,
        )
        aws.appautoscaling.Policy(
            f"{name}-cpu",
            name=args.scaling_policy_name,
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            scalable_dimension=target.scalable_dimension,
            resource_id=target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=float(args.cpu_target),
                scale_in_cooldown=120,
                scale_out_cooldown=60,
                predefined_metric_specification=(
                    aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                        predefined_metric_type="ECSServiceAverageCPUUtilization"
                    )
                ),
            ),
            opts=child,
        )
        self.service_name = service.name
        self.task_definition_arn = task.arn
        self.register_outputs({"service_name": self.service_name})
