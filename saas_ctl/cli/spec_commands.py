"""`saasctl validate` and `saasctl schema`: commands about the tenants file itself."""

import json

import typer

from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.output import reporting


def validate(ctx: typer.Context, file: FileOption = None, json_mode: JsonOption = False) -> None:
    """Check the tenants file: structure, values, and every rule that needs no AWS account.

    Every problem is reported at once with its file:line and field. Exit code 2 when anything is wrong.
    """
    from saas_ctl.spec import loader

    app = application(ctx, file, json_mode)
    with reporting(app.output):
        loaded = loader.load(app.file)
        platform = loaded.spec.platform
        app.output.done(
            {"valid": True, "file": str(app.file), "tenants": len(loaded.spec.tenants)},
            f"{app.file} is valid: platform {platform.project}-{platform.environment} in {platform.region}, "
            f"{len(loaded.spec.tenants)} tenant(s)",
        )


def schema(ctx: typer.Context, json_mode: JsonOption = False) -> None:
    """Print the JSON Schema of tenants.yaml (point your editor's YAML plugin at it for completion).

    The output is JSON either way; --json is accepted like on every other command."""
    from saas_ctl.spec.models import TenantsFile

    cli = application(ctx, None, json_mode)
    with reporting(cli.output):
        cli.output.line(json.dumps(TenantsFile.model_json_schema(), indent=2))
