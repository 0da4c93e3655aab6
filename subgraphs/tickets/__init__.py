"""The tickets subgraph: catalogue, tickets and their lifecycle, SLAs, assignment, conversation and stats."""
