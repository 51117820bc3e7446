"""Preflight tests use the moto server fixtures of tests/moto_server.py (registered in tests/conftest.py)."""
