"""Tickets alike in meaning: similar tickets, likely duplicates, suggested replies and semantic search."""
