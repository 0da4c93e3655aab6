"""Roles: named permission sets with a level, global or per company; system roles are immutable."""
