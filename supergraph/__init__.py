"""The federation gateway: supergraph model, query planning, execution and HTTP server."""
