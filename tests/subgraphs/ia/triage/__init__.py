"""Tests of the ticket-triage classifier."""
