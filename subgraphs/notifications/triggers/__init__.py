"""Turns events into notices: who hears about what, with which words and where it links to."""
