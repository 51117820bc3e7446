"""`saasctl tenant show` and `saasctl tenant logs`: looking at a deployed tenant."""

import contextlib
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, application, command_session
from saas_ctl.cli.options import BackendOption, LocalOption
from saas_ctl.cli.output import reporting
from saas_ctl.errors import UsageError

NameArgument = Annotated[str, typer.Argument(metavar="NAME", help="The tenant.", autocompletion=tenant_names)]


def show(
    ctx: typer.Context,
    name: NameArgument,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Also ask AWS (read-only): running vs desired tasks, the last ECS events, each target's health.",
        ),
    ] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Show one tenant: effective settings, stack state and last update, outputs, DNS records, and (--live) health."""
    from saas_ctl.aws import session as aws
    from saas_ctl.service.inventory.tenant import show as view_of
    from saas_ctl.spec import loader

    with command_session(ctx, file, json_mode, backend, local, reads_only=True) as (cli, rt):
        spec = loader.load(cli.file).spec
        found = aws.required(rt.endpoint_url, "--live") if live else None
        view = view_of(rt.engine, spec, name, str(cli.file), found, rt.endpoint_url)
        cli.output.result(view.to_json(), lambda: _print_view(cli.output, view))


def _print_view(output: Any, view: Any) -> None:
    out = output.print
    out(f"tenant {view.name}: {view.state}")
    if view.last_update:
        update = view.last_update
        out(f"last update: {update.get('kind')} {update.get('result')} at {update.get('end_time')}")
    if view.settings:
        s = view.settings
        out(f"hosts: {', '.join(s['hosts'])}  cell: {s['cell']}  priority: {s['priority']}")
        if s.get("suspended"):
            out("suspended: its hosts answer HTTP 503 with its suspended page; no tasks run")
        out(f"tier: {s.get('tier') or '(none)'}")
        for line in settings_lines(s, view.sources or {}):
            out(line)
    for key in (
        "urls",
        "load_balancer_dns_name",
        "bucket_name",
        "secret_arn",
        "log_group_name",
        "service_name",
        "target_group_arn",
    ):
        if key in view.outputs:
            value = view.outputs[key]
            out(f"{key}: {', '.join(value) if isinstance(value, list) else value}")
    if view.dns_records:
        heading = "DNS records (managed by the stack):" if view.dns_managed else "DNS records to create yourself:"
        out(heading)
        for record in view.dns_records:
            out(f"  {record.name} {record.type} {record.value or '(the load balancer, once the platform is deployed)'}")
    if view.live is not None:
        service = view.live.get("service")
        if service:
            out(f"service: {service['running']} running of {service['desired']} desired ({service['pending']} pending)")
            for event in service["events"]:
                out(f"  {event['at']} {event['message']}")
        for target in view.live.get("targets", []):
            reason = f" ({target['reason']})" if target.get("reason") else ""
            out(f"target {target['target']}:{target['port']} {target['state']}{reason}")


def settings_lines(settings: dict[str, Any], sources: dict[str, str]) -> list[str]:
    """``cpu: 1024 (tier business)``: each effective service setting and where it came from."""
    tier = settings.get("tier")

    def origin(key: str) -> str:
        source = sources.get(key, "defaults")
        return f"tier {tier}" if source == "tier" else source

    lines = []
    for key in ("image", "container_port", "cpu", "memory", "desired_count", "health_check_path", "log_retention_days"):
        lines.append(f"{key}: {settings[key]} ({origin(key)})")
    for key, value in settings["autoscaling"].items():
        lines.append(f"autoscaling.{key}: {value} ({origin(f'autoscaling.{key}')})")
    for key, value in settings["environment"].items():
        lines.append(f"environment.{key}: {value} ({origin(f'environment.{key}')})")
    return lines


def logs(
    ctx: typer.Context,
    name: NameArgument,
    since: Annotated[str, typer.Option("--since", metavar="DURATION", help="How far back: 30s, 10m, 2h, 1d.")] = "10m",
    follow_: Annotated[bool, typer.Option("--follow", help="Keep printing new events until Ctrl-C.")] = False,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="Print messages as the application wrote them, terminal control sequences included (by default"
            " control characters are shown escaped, such as \\x1b).",
        ),
    ] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    local: LocalOption = False,
) -> None:
    """Print the tenant's container logs (its CloudWatch log group), oldest first: time, stream, message."""
    from infra.naming import TenantNames
    from saas_ctl.aws import emulator
    from saas_ctl.aws import logs as tenant_logs
    from saas_ctl.aws import session as aws
    from saas_ctl.spec import loader

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        if follow_ and cli.output.json_mode:
            raise UsageError("--follow streams lines; it cannot be combined with --json")
        spec = loader.load(cli.file).spec
        declared = {t.name for t in spec.tenants}
        if name not in declared:
            raise UsageError(f"tenant {name!r} is not declared in {cli.file}")
        p = spec.platform
        group = TenantNames(p.project, p.environment, p.region, name).log_group
        endpoint = emulator.endpoint(Path.cwd()) if local else None
        start = int((time.time() - tenant_logs.parse_since(since)) * 1000)
        client = aws.required(endpoint, "tenant logs").client("logs", region_name=p.region, endpoint_url=endpoint)
        with tenant_logs.reading(group, name):
            if not follow_:
                lines = tenant_logs.fetch(client, group, start)
                if cli.output.json_mode:
                    cli.output.document({"log_group": group, "events": [line.to_json() for line in lines]})
                    return
                for line in lines:
                    cli.output.line(line.render(raw))
                return
            with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends --follow: that is success
                for line in tenant_logs.follow(client, group, start):
                    cli.output.line(line.render(raw))
