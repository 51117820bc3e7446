"""CloudWatch Logs: log groups, as terraform-provider-aws ``internal/service/logs/group.go`` makes them, on moto.

A group's ID is its name; its ``arn`` is the group's ARN without the ``:*`` that DescribeLogGroups appends
(``resourceGroupRead``: ``TrimLogGroupARNWildcardSuffix``).
"""

from __future__ import annotations

from tests.aws_double.aws import Aws
from tests.aws_double.services.base import Created, Handler, Props, first, handles, without_none


@handles
class LogGroup(Handler):
    type = "aws:cloudwatch/logGroup:LogGroup"
    kind = "CloudWatch Logs Log Group"
    provider_only = frozenset({"skipDestroy"})

    def create(self, aws: Aws, inputs: Props) -> Created:
        name = inputs["name"]
        aws.logs.create_log_group(
            logGroupName=name, tags=aws.tags(inputs), **without_none({"kmsKeyId": inputs.get("kmsKeyId")})
        )
        if inputs.get("retentionInDays"):
            self._retention(aws, name, inputs)
        return Created(name, self.read(aws, name) or {})

    def _retention(self, aws: Aws, name: str, inputs: Props) -> None:
        days = int(inputs.get("retentionInDays") or 0)
        if days:
            aws.logs.put_retention_policy(logGroupName=name, retentionInDays=days)
        else:
            aws.logs.delete_retention_policy(logGroupName=name)

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        groups = aws.logs.describe_log_groups(logGroupNamePrefix=resource_id)["logGroups"]
        group = first(g for g in groups if g["logGroupName"] == resource_id)
        if group is None:
            return None
        return without_none(
            {
                "arn": str(group["arn"]).removesuffix(":*"),
                "name": resource_id,
                "retentionInDays": group.get("retentionInDays", 0),
            }
        )

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"retentionInDays"}:
            super().apply(aws, resource_id, olds, news, changed - {"retentionInDays"})
        self._retention(aws, resource_id, news)

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        if not state.get("skipDestroy"):
            aws.logs.delete_log_group(logGroupName=resource_id)
