"""Tests of the chat subgraph."""
