"""Runs query plans against subgraphs and assembles the client's response."""
