"""The IA subgraph's GraphQL types."""
