"""Tickets themselves: creation, edits, lifecycle, history, and who may see and move them."""
