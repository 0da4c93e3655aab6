"""Query planning: from a client operation to a plan of subgraph fetches."""
