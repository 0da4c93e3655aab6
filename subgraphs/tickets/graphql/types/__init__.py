"""GraphQL object types of the tickets subgraph, one module per area."""
