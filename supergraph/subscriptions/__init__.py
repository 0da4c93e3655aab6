"""Subscriptions through the gateway: upstream subscriptions shared between clients, each event
completed once with the plan's entity fetches and fanned out."""
