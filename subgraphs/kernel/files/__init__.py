"""Uploaded files: what their bytes really are, and short-lived signed links to read them."""
