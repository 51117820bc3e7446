"""The tenant's two IAM roles, each scoped to this tenant's resources only."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import policies

ECS_TASKS = "ecs-tasks.amazonaws.com"


@dataclass(frozen=True)
class IamArgs:
    execution_role_name: str
    task_role_name: str
    log_group_arn: pulumi.Input[str]
    secret_arn: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    db_user_arn: pulumi.Input[str]
    image: str  # the tenant's container image: only its own ECR repository may be pulled from
    region: str
    account: str  # the platform's: only tasks ECS runs for this account and Region may assume the task role


class TenantIam(pulumi.ComponentResource):
    execution_role_arn: pulumi.Output[str]
    task_role_arn: pulumi.Output[str]
    policies: list[pulumi.Resource]  # what a task needs in place before it starts

    def __init__(self, name: str, args: IamArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:tenant:Iam", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # A role deployed before its name carried the Region keeps the name it has (renaming a role replaces it,
        # and nothing is gained); a new role gets the new name.
        named = pulumi.ResourceOptions(parent=self, ignore_changes=["name"])
        execution = aws.iam.Role(
            f"{name}-execution",
            name=args.execution_role_name,
            assume_role_policy=policies.assume_role_by(ECS_TASKS),
            opts=named,
        )
        execution_policy = aws.iam.RolePolicy(
            f"{name}-execution",
            role=execution.id,
            policy=pulumi.Output.all(args.log_group_arn, args.secret_arn).apply(
                lambda arns: policies.execution_policy(arns[0], arns[1], policies.ecr_repository_arn(args.image))
            ),
            opts=child,
        )
        task = aws.iam.Role(
            f"{name}-task",
            name=args.task_role_name,
            assume_role_policy=policies.assume_role_by_ecs_tasks(args.region, args.account),
            opts=named,
        )
        task_policy = aws.iam.RolePolicy(
            f"{name}-task",
            role=task.id,
            policy=pulumi.Output.all(args.bucket_arn, args.secret_arn, args.db_user_arn).apply(
                lambda arns: policies.task_policy(arns[0], arns[1], arns[2])
            ),
            opts=child,
        )
        self.policies = [execution_policy, task_policy]
        self.execution_role_arn = execution.arn
        self.task_role_arn = task.arn
        self.register_outputs({"execution_role_arn": self.execution_role_arn, "task_role_arn": self.task_role_arn})
