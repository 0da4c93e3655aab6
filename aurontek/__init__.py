"""AURONTEK: the command-line front door to the gateway and the five subgraphs."""

__version__ = "0.1.0"
