"""Secrets of the users service: password hashing and policy, signing keys, opaque tokens."""
