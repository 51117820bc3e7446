"""IAM: roles and their inline policies, as terraform-provider-aws ``internal/service/iam`` (``role.go``,
``role_policy.go``) makes them, on moto's IAM. A role's ID is its name; an inline policy's is ``<role>:<name>``."""

from __future__ import annotations

from tests.aws_double.aws import Aws
from tests.aws_double.services.base import Created, Handler, Props, handles, read_or_none, without_none

NOT_FOUND = "NoSuchEntity"


@handles
class Role(Handler):
    type = "aws:iam/role:Role"
    kind = "IAM Role"
    provider_only = frozenset({"forceDetachPolicies"})

    def create(self, aws: Aws, inputs: Props) -> Created:
        role = aws.iam.create_role(
            RoleName=inputs["name"],
            AssumeRolePolicyDocument=inputs["assumeRolePolicy"],
            Path=inputs.get("path") or "/",
            Tags=aws.tag_list(inputs),
            **without_none(
                {
                    "Description": inputs.get("description"),
                    "MaxSessionDuration": int(inputs["maxSessionDuration"])
                    if inputs.get("maxSessionDuration")
                    else None,
                }
            ),
        )["Role"]
        return Created(role["RoleName"], _role(role))

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        return read_or_none(lambda: _role(aws.iam.get_role(RoleName=resource_id)["Role"]), NOT_FOUND)

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        if changed - {"assumeRolePolicy", "description"}:
            super().apply(aws, resource_id, olds, news, changed - {"assumeRolePolicy", "description"})
        if "assumeRolePolicy" in changed:
            aws.iam.update_assume_role_policy(RoleName=resource_id, PolicyDocument=news["assumeRolePolicy"])
        if "description" in changed:
            aws.iam.update_role_description(RoleName=resource_id, Description=news.get("description") or "")

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        aws.iam.delete_role(RoleName=resource_id)


def _role(role: dict[str, object]) -> Props:
    return without_none(
        {
            "arn": role["Arn"],
            "name": role["RoleName"],
            "path": role.get("Path"),
            "uniqueId": role.get("RoleId"),
            "createDate": role.get("CreateDate"),
        }
    )


@handles
class RolePolicy(Handler):
    type = "aws:iam/rolePolicy:RolePolicy"
    kind = "IAM Role Policy"

    def create(self, aws: Aws, inputs: Props) -> Created:
        aws.iam.put_role_policy(RoleName=inputs["role"], PolicyName=inputs["name"], PolicyDocument=inputs["policy"])
        return Created(f"{inputs['role']}:{inputs['name']}", {})

    def read(self, aws: Aws, resource_id: str, state: Props | None = None) -> Props | None:
        role, _, name = resource_id.partition(":")

        def get() -> Props:
            policy = aws.iam.get_role_policy(RoleName=role, PolicyName=name)
            document = policy["PolicyDocument"]
            return {"role": role, "name": name, "policy": document if isinstance(document, str) else _json(document)}

        return read_or_none(get, NOT_FOUND)

    def apply(self, aws: Aws, resource_id: str, olds: Props, news: Props, changed: set[str]) -> None:
        role, _, name = resource_id.partition(":")
        aws.iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=news["policy"])

    def delete(self, aws: Aws, resource_id: str, state: Props) -> None:
        role, _, name = resource_id.partition(":")
        aws.iam.delete_role_policy(RoleName=role, PolicyName=name)


def _json(document: object) -> str:
    import json

    return json.dumps(document)
