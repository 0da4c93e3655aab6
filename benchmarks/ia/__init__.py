"""Benchmarks of the IA subgraph."""
