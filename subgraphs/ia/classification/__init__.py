"""Triage in the service: what it learns from, the fallback before a company has a model, and the outcome."""
