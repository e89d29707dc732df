"""Benchmarks: ``python -m bench``. Scripts that print numbers and write JSON, never tests."""
