"""Benchmarks and the synthetic estate generator (not shipped: see docs/benchmarks.md)."""
