"""Releases: a new application image shipped to the fleet in waves (a canary first), each gated on health, a
failed gate rolling back what the wave changed; every release is a record kept in the state backend."""
