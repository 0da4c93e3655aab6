"""The IA's read models of other services' data."""
