"""Tests of the IA subgraph."""
