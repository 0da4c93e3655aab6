"""The IA subgraph (port 3005): ticket triage, similar tickets, suggested replies and fair assignment."""
