"""Stack state: where it lives (named in tenants.yaml), and the tools for a team's shared backend."""
