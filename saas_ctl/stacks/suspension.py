"""The deploys of a suspended tenant that ECS refuses half-way, refused before anything is touched.

A suspended tenant's listener rules answer its fixed 503 page: no rule forwards to its target groups. ECS refuses
a service whose target group no listener rule forwards to ("InvalidParameterException: The target group with
targetGroupArn ... does not have an associated load balancer"), on CreateService and on UpdateService when its
loadBalancers change (hashicorp/terraform#32908, aws/aws-cdk#34290; modelled in tests/aws_double/services/ecs.py).
So a tenant the file says is suspended cannot be created, moved to another cell or given another container port:
each gives its service a target group that no rule forwards to.

What counts is the file about to be deployed: the service depends on the rules, so the rules change first in the
same deploy. A tenant suspended in its stack whose file resumes it and moves it (or changes its port) at once is
allowed (its new rule forwards before the service changes); a running tenant whose file suspends it and moves it
at once is refused (its new rule answers the page).
"""

from __future__ import annotations

from collections.abc import Sequence

from saas_ctl.errors import Refused
from saas_ctl.spec.cells import cell_of
from saas_ctl.spec.models import TenantsFile, resolve
from saas_ctl.stacks.port_change import deployed_port
from saas_ctl.stacks.state import Deployed

ECS_REFUSAL = (
    "ECS refuses a service change that adds one (InvalidParameterException: the target group does not have an "
    "associated load balancer)"
)


def refuse_suspended_changes(spec: TenantsFile, deployed: Deployed, names: Sequence[str]) -> None:
    """Refused (exit 2) when deploying ``spec`` would create, move or change the port of a named tenant that
    ``spec`` says is suspended. Only those tenants' deployed outputs are read (once, a few at once)."""
    wanted = set(names)
    suspended = [t for t in spec.tenants if t.suspended and t.name in wanted]
    if not suspended:
        return
    existing = set(deployed.tenants)
    for tenant in suspended:
        if tenant.name not in existing:
            raise Refused(
                f"tenant {tenant.name} is declared suspended but was never deployed: ECS refuses to create a "
                "service whose target group no listener rule forwards to, and a suspended tenant's rules answer "
                "its page; nothing was changed",
                hint=f"deploy it first (remove `suspended: true`), then `saasctl tenant suspend {tenant.name}`",
            )
    outputs = deployed.outputs_of([t.name for t in suspended])
    for tenant in suspended:
        stack = outputs[tenant.name]
        was_cell, cell = int(stack.get("cell", 1)), cell_of(tenant)
        port, wanted_port = deployed_port(spec, tenant.name, stack), resolve(tenant, spec).container_port
        if was_cell != cell:
            change = f"move it from cell {was_cell} to cell {cell}"
        elif port is not None and port != wanted_port:
            change = f"change its port from {port} to {wanted_port}"
        else:
            continue
        raise Refused(
            f"tenant {tenant.name} is suspended: its target groups have no listener rule forwarding to them, and "
            f"{ECS_REFUSAL}; refusing to {change}, nothing was changed",
            hint=f"run `saasctl tenant resume {tenant.name}` first, then move it / change its port, then "
            f"`saasctl tenant suspend {tenant.name}` again",
        )
