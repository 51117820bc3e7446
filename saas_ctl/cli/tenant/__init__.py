"""`saasctl tenant ...`: declare, deploy, list, look at and destroy tenants. One module per command; the group's
commands are registered here, in the order its help lists them."""

from saas_ctl.cli.help_text import epilog
from saas_ctl.cli.tenant import add, change, destroy, inspect_commands, listing, move, operate, remove, suspension
from saas_ctl.cli.tenant.group import app

for name, command in (
    ("list", listing.list_tenants),
    ("add", add.add),
    ("set", change.set_settings),
    ("suspend", suspension.suspend),
    ("resume", suspension.resume),
    ("up", operate.up),
    ("preview", operate.preview),
    ("refresh", operate.refresh),
    ("destroy", destroy.destroy),
    ("move", move.move),
    ("remove", remove.remove),
    ("show", inspect_commands.show),  # looking at a tenant, after the commands that change tenants
    ("logs", inspect_commands.logs),
):
    app.command(name, epilog=epilog(f"tenant {name}"))(command)

__all__ = ["app"]
