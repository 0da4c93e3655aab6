"""Transports to subgraphs, each behind the `SubgraphClient` interface."""

from supergraph.transport.base import SubgraphClient, SubgraphError, SubgraphRequest

__all__ = ["SubgraphClient", "SubgraphError", "SubgraphRequest"]
