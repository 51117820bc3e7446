"""The engine seam: everything that runs Pulumi goes through :class:`saas_ctl.engine.base.Engine`."""
