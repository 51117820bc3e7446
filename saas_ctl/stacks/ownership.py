"""Whose a deployed stack is: the project, environment, Region and account it records, and the refusals of a stack
recorded for another.

Several environments may share one state backend (and one account). A stack names its environment only through
its project and stack names, which two files can share by mistake: a copy of a tenants file edited for another
Region but not given another environment name addresses the very same stacks, and would update (or, with
``--prune``, destroy) the other Region's. Every stack records where it was deployed (``infra.outputs.OWNER_OUTPUT``);
saasctl refuses, before anything runs, to act on one recorded for another project, environment, Region or account.
Stacks deployed before that record existed are judged by the ARNs among their outputs, which name the Region and
the account.

The tenant stacks of an environment live in project ``<project>-<environment>-tenants``, and that join is not
unique: project ``a-b`` with environment ``c`` and project ``a`` with environment ``b-c`` share it. An
environment is refused while another such pair has a platform stack in the same backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from infra import naming
from infra.outputs import OWNER_OUTPUT
from saas_ctl.errors import Refused
from saas_ctl.spec.models import EnvironmentName, ProjectName, TenantsFile

# Outputs whose ARN names the Region and account of a stack deployed before it recorded them.
_PLATFORM_ARNS = ("database_cluster_arn", "cluster_arn")
_TENANT_ARNS = ("target_group_arn", "secret_arn", "task_definition_arn")

_SEPARATE = (
    "give this file another platform.environment (environments that share a backend need distinct project and "
    "environment names), or its own state backend (--backend)"
)


@dataclass(frozen=True)
class Recorded:
    """Where a stack says it was deployed; None where it does not say."""

    project: str | None = None
    environment: str | None = None
    region: str | None = None
    account: str | None = None

    @classmethod
    def of(cls, outputs: Mapping[str, Any], arn_outputs: Sequence[str]) -> Recorded:
        owner = outputs.get(OWNER_OUTPUT)
        if isinstance(owner, Mapping):
            keys = ("project", "environment", "region", "account")
            return cls(*(str(owner[key]) if owner.get(key) else None for key in keys))
        for key in arn_outputs:
            parts = str(outputs.get(key) or "").split(":")
            if len(parts) > 5 and parts[0] == "arn":
                return cls(region=parts[3] or None, account=parts[4] or None)
        return cls()

    def differences(self, project: str, environment: str, region: str, account: str | None) -> list[str]:
        """What this record says that differs from the file's (and the credentials' account, when known)."""
        found = []
        if self.project is not None and (self.project, self.environment) != (project, environment):
            found.append(f"project {self.project!r} environment {self.environment!r}, not {project!r} {environment!r}")
        if self.region is not None and self.region != region:
            found.append(f"Region {self.region}, not {region}")
        if self.account is not None and account is not None and self.account != account:
            found.append(f"account {self.account}, not {account} (the credentials' account)")
        return found


def refuse_foreign_platform(spec: TenantsFile, label: str, outputs: Mapping[str, Any], account: str | None) -> None:
    """The platform stack ``label`` must have been deployed for this file's Region (and the credentials' account)."""
    if not outputs:
        return
    platform = spec.platform
    recorded = Recorded.of(outputs, _PLATFORM_ARNS)
    differences = recorded.differences(platform.project, platform.environment, platform.region, account)
    if differences:
        raise Refused(
            f"refusing to act on the platform stack {label}: it was deployed for {'; '.join(differences)}; "
            "nothing was changed",
            hint=_SEPARATE,
        )


def refuse_foreign_tenants(
    spec: TenantsFile,
    project: str,
    names: Sequence[str],
    outputs_of: Callable[[str], Mapping[str, Any]],
    account: str | None,
) -> None:
    """Each of the tenant stacks ``names`` (of ``project``) must have been deployed for this file's environment,
    Region and account; ``outputs_of`` reads a stack's outputs. A stack from before the record is this
    environment's when its ECS service carries this environment's name for the tenant."""
    platform = spec.platform
    foreign = []
    for name in names:
        outputs = outputs_of(name)
        recorded = Recorded.of(outputs, _TENANT_ARNS)
        differences = recorded.differences(platform.project, platform.environment, platform.region, account)
        expected = naming.TenantNames(platform.project, platform.environment, platform.region, name).ecs_service
        service = outputs.get("service_name")
        if recorded.project is None and service and service != expected:
            differences.append(f"an ECS service named {service}, not {expected}")
        if differences:
            foreign.append(f"{project}/{name} ({'; '.join(differences)})")
    if foreign:
        raise Refused(
            f"refusing to act on {len(foreign)} tenant stack(s) deployed for another environment: "
            f"{', '.join(foreign)}; nothing was changed",
            hint=_SEPARATE,
        )


_PROJECT: TypeAdapter[str] = TypeAdapter(ProjectName)
_ENVIRONMENT: TypeAdapter[str] = TypeAdapter(EnvironmentName)


def other_joins(project: str, environment: str) -> list[tuple[str, str]]:
    """Every other valid (project, environment) pair whose ``<project>-<environment>`` is this pair's."""
    joined = f"{project}-{environment}"
    pairs = []
    for index, char in enumerate(joined):
        if char != "-" or (joined[:index], joined[index + 1 :]) == (project, environment):
            continue
        other = (joined[:index], joined[index + 1 :])
        try:
            _PROJECT.validate_python(other[0])
            _ENVIRONMENT.validate_python(other[1])
        except ValidationError:
            continue
        pairs.append(other)
    return pairs


def refuse_shared_tenants_project(
    spec: TenantsFile, tenants_project: str, list_stacks: Callable[[str], list[str]]
) -> None:
    """Refused when another environment of this backend has the same tenant stacks' project (its platform stack
    ``<other project>-platform/<other environment>`` exists)."""
    platform = spec.platform
    for project, environment in other_joins(platform.project, platform.environment):
        if environment in list_stacks(f"{project}-platform"):
            raise Refused(
                f"refusing to act on environment {platform.project}/{platform.environment}: environment "
                f"{project}/{environment}, deployed in this backend, keeps its tenant stacks in the same project "
                f"({tenants_project}), so saasctl could not tell their tenants apart; nothing was changed",
                hint="give this file a project and environment whose joined name (project-environment) no other "
                "environment of this backend has, or its own state backend (--backend)",
            )
