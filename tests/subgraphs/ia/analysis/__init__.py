"""The analysis queue."""
