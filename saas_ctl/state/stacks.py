"""Naming a stack on the command line of the state tools: ``platform``, a tenant's name, the ``project/stack``
label saasctl prints (``saas-platform/dev``, ``saas-dev-tenants/acme``), or the name Pulumi gives it on a
self-managed backend (``organization/saas-dev-tenants/acme``)."""

from __future__ import annotations

from dataclasses import dataclass

from saas_ctl.errors import UsageError
from saas_ctl.spec.models import TenantsFile


@dataclass(frozen=True)
class StackName:
    project: str
    stack: str

    @property
    def label(self) -> str:
        return f"{self.project}/{self.stack}"


def named(spec: TenantsFile, argument: str) -> StackName:
    from saas_ctl.stacks.targets import platform_project, tenants_project

    argument = argument.removeprefix("organization/")  # the only organisation of a self-managed backend
    if "/" in argument:
        project, _, stack = argument.rpartition("/")
        if project and stack and "/" not in project:
            return StackName(project, stack)
        raise UsageError(f"stack {argument!r} is not valid: give platform, a tenant's name, or PROJECT/STACK")
    if argument == "platform":
        return StackName(platform_project(spec), spec.platform.environment)
    if argument.replace("-", "").isalnum():
        return StackName(tenants_project(spec), argument)  # declared or not: an orphan's stack is named so too
    raise UsageError(f"stack {argument!r} is not valid: give platform, a tenant's name, or PROJECT/STACK")
