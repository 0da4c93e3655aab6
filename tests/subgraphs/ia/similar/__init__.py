"""Similar tickets, duplicates, suggested replies and semantic search."""
