"""The IA subgraph's GraphQL layer: thin types and resolvers over the domain packages."""
