"""Triage in the IA service: labels, the catalogue fallback, training and the classified tickets."""
