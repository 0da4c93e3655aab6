"""Transports to subgraphs, each behind the `SubgraphClient` interface."""

from supergraph.transport.base import SubgraphClient, SubgraphError, SubgraphOperationError, SubgraphRequest

__all__ = ["SubgraphClient", "SubgraphError", "SubgraphOperationError", "SubgraphRequest"]
