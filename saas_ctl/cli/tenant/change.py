"""`saasctl tenant set`: change a tenant's settings in the file, then deploy it."""

from typing import Annotated, Any

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.options import BackendOption, DeployYesOption, DiffOption, LocalOption, SkipPreflightOption
from saas_ctl.cli.output import reporting
from saas_ctl.cli.tenant.edits import NoDeployOption, apply_change
from saas_ctl.errors import UsageError
from saas_ctl.spec import NO_TIER


def set_settings(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The tenant to change.", autocompletion=tenant_names)],
    tier: Annotated[
        str | None, typer.Option(metavar="TIER", help=f"One of the file's tiers ('{NO_TIER}': no tier).")
    ] = None,
    image: Annotated[str | None, typer.Option(metavar="IMAGE", help="Container image.")] = None,
    cpu: Annotated[int | None, typer.Option(metavar="UNITS", help="Fargate cpu units (256, 512, 1024, ...).")] = None,
    memory: Annotated[int | None, typer.Option(metavar="MIB", help="Fargate memory in MiB, valid for the cpu.")] = None,
    desired_count: Annotated[
        int | None, typer.Option("--desired-count", metavar="N", help="Tasks the service starts with.")
    ] = None,
    min_tasks: Annotated[
        int | None, typer.Option("--min", metavar="N", help="Autoscaling's least number of tasks.")
    ] = None,
    max_tasks: Annotated[
        int | None, typer.Option("--max", metavar="N", help="Autoscaling's greatest number of tasks.")
    ] = None,
    log_retention_days: Annotated[
        int | None, typer.Option("--log-retention-days", metavar="DAYS", help="Days the tenant's logs are kept.")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            metavar="PORT",
            help="The container port; a deployed tenant changes port in two passes, without an outage.",
        ),
    ] = None,
    no_deploy: NoDeployOption = False,
    yes: DeployYesOption = False,
    skip_preflight: SkipPreflightOption = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
    diff: DiffOption = False,
) -> None:
    """Change a tenant's settings in the tenants file (locked, comments and formatting kept), then deploy it.

    A value set here is the tenant's own and wins over its tier and the defaults; --tier none removes its tier.
    The new file is validated like any other (Fargate sizes, tiers) before it is written. At a terminal the
    preview is shown and you are asked first; --no-deploy only writes the file.
    """
    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        changes: dict[str, Any] = {
            key: value
            for key, value in (
                ("image", image),
                ("cpu", cpu),
                ("memory", memory),
                ("desired_count", desired_count),
                ("autoscaling.min", min_tasks),
                ("autoscaling.max", max_tasks),
                ("log_retention_days", log_retention_days),
                ("container_port", port),
            )
            if value is not None
        }
        if tier is not None:
            changes["tier"] = None if tier == NO_TIER else tier
        if not changes:
            raise UsageError(
                "name a setting to change: --tier, --image, --cpu, --memory, --desired-count, --min, --max, --port"
            )
        described = ", ".join(f"{key} {'(removed)' if value is None else value}" for key, value in changes.items())
        apply_change(
            cli,
            name,
            changes,
            verb=f"set {described} of tenant {name}",
            deploy=not no_deploy,
            options=(yes, skip_preflight, backend, local, diff),
            extra={"set": changes},
        )
