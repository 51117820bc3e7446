"""The tenants.yaml spec: models, loading with line numbers, rules, and safe edits."""

DEFAULT_FILE = "tenants.yaml"
