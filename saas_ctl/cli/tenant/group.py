"""The `tenant` group, its shared arguments, and the JSON form of a tenant."""

from typing import TYPE_CHECKING, Annotated

import typer

from saas_ctl.cli.commands import group_app
from saas_ctl.cli.completion import tenant_names

if TYPE_CHECKING:
    from saas_ctl.spec.models import EffectiveTenant

app = group_app("tenant")

Names = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="NAME", help="Tenants to act on (default with --all: every declared one).", autocompletion=tenant_names
    ),
]
AllOption = Annotated[bool, typer.Option("--all", help="Every tenant declared in the file.")]


def tenant_json(tenant: "EffectiveTenant") -> dict[str, object]:
    """A tenant's effective settings; its suspended page only in `tenant show`."""
    return tenant.model_dump(mode="json", exclude={"suspended_page"})
