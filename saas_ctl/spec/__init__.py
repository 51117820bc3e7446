"""The tenants.yaml spec: models, loading with line numbers, rules, and safe edits."""

DEFAULT_FILE = "tenants.yaml"
NO_TIER = "none"  # `tenant set --tier none`: the tenant leaves its tier; so no tier may have this name
