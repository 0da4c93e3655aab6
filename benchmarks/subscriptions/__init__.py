"""Benchmark of live chat delivery through the gateway (see bench.py)."""
