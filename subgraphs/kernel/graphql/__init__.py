"""The GraphQL layer every subgraph shares: schema class, error codes, context, pagination."""
