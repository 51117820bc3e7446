"""`saasctl install-pulumi`: get the Pulumi CLI into a directory saasctl owns."""

from pathlib import Path
from typing import Annotated

import typer

from saas_ctl.cli.context import JsonOption, application
from saas_ctl.cli.output import reporting
from saas_ctl.errors import SaasctlError


def install_pulumi(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            show_default="$SAASCTL_PULUMI_ROOT, else ~/.local/share/saasctl/pulumi",
            help="Install directory.",
        ),
    ] = None,
    json_mode: JsonOption = False,
) -> None:
    """Download the Pulumi CLI matching the installed SDK (pulumi.automation.PulumiCommand.install).

    The PulumiEngine uses this copy when it exists, before looking for `pulumi` on PATH.
    """
    from pulumi.automation import PulumiCommand

    from saas_ctl.engine.pulumi.settings import default_cli_root

    cli = application(ctx, None, json_mode)
    with reporting(cli.output):
        target = root or default_cli_root()
        cli.output.info(f"installing the Pulumi CLI into {target} ...")
        try:
            command = PulumiCommand.install(root=str(target))
        except Exception as exc:  # network, download or unpack failures
            raise SaasctlError(
                f"could not install the Pulumi CLI into {target}: {exc}",
                hint="install it by hand: https://www.pulumi.com/docs/iac/download-install/",
            ) from None
        cli.output.done(
            {"installed": str(target), "version": str(command.version)},
            f"Pulumi CLI {command.version} installed in {target}",
        )
