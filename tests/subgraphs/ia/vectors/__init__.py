"""Ticket vectors: storage and search."""
