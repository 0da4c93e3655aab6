"""Satisfaction: the creator's 1-5 rating of a resolved ticket."""
