"""Preflight: catch AWS deploy-time failures before anything is deployed.

Offline rules are pure functions over the spec and the names derived from it; live checks make read-only
AWS calls. Both produce :class:`~saas_ctl.preflight.findings.Finding` values.
"""
