"""The AWS provider double that the real Pulumi engine runs in saasctl's integration tests (see provider.py)."""
