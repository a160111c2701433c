"""Shared pytest fixtures live in tests/fixtures.py (this root conftest only registers them)."""

pytest_plugins = ["tests.fixtures"]
