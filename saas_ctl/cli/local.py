"""`saasctl local ...`: a local AWS emulator for trying saasctl without an AWS account."""

from pathlib import Path
from typing import Annotated

import typer

from saas_ctl.cli.commands import group_app
from saas_ctl.cli.context import JsonOption, application
from saas_ctl.cli.help_text import epilog
from saas_ctl.cli.output import reporting
from saas_ctl.errors import EXIT_FAILED, ExitStatus

app = group_app("local")


@app.command(epilog=epilog("local start"))
def start(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(metavar="PORT", help="Port on 127.0.0.1 (0: any free one).")] = 0,
    json_mode: JsonOption = False,
) -> None:
    """Start the emulator in the background (it keeps running until `saasctl local stop`)."""
    from saas_ctl.aws import emulator as local

    cli = application(ctx, None, json_mode)
    with reporting(cli.output):
        emulator = local.start(Path.cwd(), port)
        cli.output.done(
            {"running": True, "url": emulator.url, "pid": emulator.pid},
            f"local AWS emulator at {emulator.url} (pid {emulator.pid}); deploy to it with --local",
        )


@app.command(epilog=epilog("local stop"))
def stop(ctx: typer.Context, json_mode: JsonOption = False) -> None:
    """Stop the emulator: everything deployed to it is gone, and so is its state (the stacks --local made)."""
    from saas_ctl.aws import emulator as local

    cli = application(ctx, None, json_mode)
    with reporting(cli.output):
        stopped = local.stop(Path.cwd())
        said = "stopped the local emulator" if stopped else "the local emulator was not running"
        cli.output.result({"stopped": stopped}, lambda: cli.output.info(said))


@app.command(epilog=epilog("local status"))
def status(ctx: typer.Context, json_mode: JsonOption = False) -> None:
    """Say whether the emulator runs, and where. Exit code 1 when it does not."""
    from saas_ctl.aws import emulator as local

    cli = application(ctx, None, json_mode)
    with reporting(cli.output):
        emulator = local.status(Path.cwd())
        said = f"running at {emulator.url} (pid {emulator.pid})" if emulator else "not running"
        document = {"running": emulator is not None, "url": emulator.url if emulator else None}
        cli.output.result(document, lambda: cli.output.info(said))
        if emulator is None:
            raise ExitStatus(EXIT_FAILED)
