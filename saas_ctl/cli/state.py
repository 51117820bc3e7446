"""`saasctl state ...`: the bucket and key a team's state lives in, and the way out of a stuck stack."""

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from saas_ctl import settings
from saas_ctl.cli.commands import group_app
from saas_ctl.cli.context import Application, FileOption, JsonOption, application
from saas_ctl.cli.help_text import epilog
from saas_ctl.cli.options import BackendOption, LocalOption
from saas_ctl.cli.output import reporting

if TYPE_CHECKING:
    from collections.abc import Iterator

    from saas_ctl.state.location import StateLocation
    from saas_ctl.state.stacks import StackName
    from saas_ctl.state.storage import Backend

app = group_app("state")

StackArgument = Annotated[
    str,
    typer.Argument(
        metavar="STACK",
        help="platform, a tenant's name, or PROJECT/STACK as saasctl prints it (saas-dev-tenants/acme).",
    ),
]


@app.command(epilog=epilog("state init"))
def init(
    ctx: typer.Context,
    bucket: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="The state bucket.", show_default="saasctl-state-<account>-<region>"),
    ] = None,
    key_alias: Annotated[
        str, typer.Option("--key-alias", metavar="NAME", help="The KMS key's alias (without alias/).")
    ] = "saasctl-state",
    prefix: Annotated[str, typer.Option(metavar="PREFIX", help="A folder of the bucket to keep the state in.")] = "",
    region: Annotated[
        str | None, typer.Option(metavar="REGION", help="Where to make them.", show_default="platform.region")
    ] = None,
    endpoint_url: Annotated[
        str | None,
        typer.Option(
            "--endpoint-url",
            envvar=settings.AWS_ENDPOINT.name,
            metavar="URL",
            help="An AWS-compatible endpoint (an emulator) instead of AWS.",
        ),
    ] = None,
    file: FileOption = None,
    json_mode: JsonOption = False,
) -> None:
    """Create the S3 bucket and KMS key a team's state lives in, and print the platform.state lines to paste.

    The bucket is versioned, encrypted and blocks public access; the key has an alias and rotates. Safe to run
    again: what is already so is left as it is."""
    from saas_ctl.aws import session as aws
    from saas_ctl.state import bootstrap

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        chosen_region = region or _file_region(cli.file)
        boto = aws.required(endpoint_url, "state init")
        name = bucket or _default_bucket(boto, chosen_region, endpoint_url)
        request = bootstrap.Request(name, key_alias, chosen_region, prefix, endpoint_url)
        done = bootstrap.initialise(boto, request)

        def text() -> None:
            if done.made:
                cli.output.success("made: " + ", ".join(done.made))
            if done.found:
                cli.output.info("already there: " + ", ".join(done.found))
            cli.output.info(f"paste under platform: in {cli.file}:")
            for line in done.lines():
                cli.output.print(line)

        cli.output.result(done.to_json(), text)


def _file_region(file: Path) -> str:
    from saas_ctl.spec import loader

    return loader.load(file).spec.platform.region


def _default_bucket(boto: object, region: str, endpoint_url: str | None) -> str:
    from saas_ctl.aws.session import boundary

    with boundary("asking AWS which account the credentials are of"):
        account = boto.client("sts", region_name=region, endpoint_url=endpoint_url).get_caller_identity()  # type: ignore[attr-defined]
    return f"saasctl-state-{account['Account']}-{region}"


@app.command(epilog=epilog("state unlock"))
def unlock(
    ctx: typer.Context,
    stack: StackArgument,
    force: Annotated[
        bool,
        typer.Option("--force", help="Clear the locks even when saasctl cannot confirm their holder is gone."),
    ] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Clear the lock an interrupted update left on a stack, once its holder is known to be gone.

    A holder is known to be gone when it ran on this machine and no longer runs (a killed process); one on
    another machine (a lost CI job), or one still running here, is refused without --force."""
    from saas_ctl.state.unlock import unlock as clear

    with _on_stack(ctx, file, json_mode, stack, backend, local) as (cli, _, files, name):
        done = clear(files, name, force)
        said = (
            "\n".join(f"cleared the lock of {name.label} held by {lock.holder()}" for lock in done.cleared)
            or f"stack {name.label} is not locked"
        )
        cli.output.result(done.to_json(), lambda: cli.output.info(said))


@app.command(epilog=epilog("state rm"))
def rm(
    ctx: typer.Context,
    stack: StackArgument,
    force: Annotated[
        bool,
        typer.Option("--force", help="Forget the stack even though its state records resources (they stay in AWS)."),
    ] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
    backend: BackendOption = None,
    local: LocalOption = False,
) -> None:
    """Forget a stack (delete its state, touch nothing in AWS): for a stack left empty by a failed first deploy.

    Refused while its state records resources, which are named, unless --force (they stay in AWS, unmanaged)."""
    from saas_ctl.engine.base import StackTarget
    from saas_ctl.engine.pulumi.engine import PulumiEngine, PulumiSettings
    from saas_ctl.state.forget import forget

    with _on_stack(ctx, file, json_mode, stack, backend, local) as (cli, where, files, name):
        engine = PulumiEngine(PulumiSettings.at(where, Path.cwd()))
        done = forget(files, name, lambda n: engine.remove_stack(StackTarget(n.project, n.stack, lambda: None)), force)
        said = f"forgot stack {name.label}" + (
            f" and the {len(done.resources)} resource(s) it recorded (they stay in AWS)" if done.resources else ""
        )
        cli.output.done(done.to_json(), said)


@contextmanager
def _on_stack(
    ctx: typer.Context, file: Path | None, json_mode: bool, argument: str, backend: str | None, local: bool
) -> "Iterator[tuple[Application, StateLocation, Backend, StackName]]":
    """How `state unlock` and `state rm` start: the application, then, inside the one place errors become exit
    codes, the state backend the file (or --backend, --local) names and the stack ``argument`` names in it."""
    from saas_ctl.spec import loader
    from saas_ctl.state import location
    from saas_ctl.state.stacks import named
    from saas_ctl.state.storage import open_backend

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        spec = loader.load(cli.file).spec
        where = location.resolve(cli.file, backend, local)
        yield cli, where, open_backend(where.backend_url), named(spec, argument)
