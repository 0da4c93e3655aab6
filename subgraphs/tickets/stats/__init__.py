"""Ticket statistics, computed by the database with aggregation pipelines."""
