"""Relations between tickets: merging duplicates, parent and child, related."""
