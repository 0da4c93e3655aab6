"""The one interface every subgraph transport implements: `execute` and `subscribe`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from supergraph.errors import ErrorCode


@dataclass(frozen=True, slots=True)
class SubgraphRequest:
    """A GraphQL request to one subgraph, with the headers forwarded from the client."""

    query: str
    variables: Mapping[str, Any] | None = None
    operation_name: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # identical in-flight queries may share one subgraph request (never mutations)
    shareable: bool = False


class SubgraphError(Exception):
    """A subgraph could not be reached or did not answer with GraphQL."""

    def __init__(self, subgraph: str, message: str, code: str = ErrorCode.SUBGRAPH_EXECUTION_FAILURE):
        super().__init__(message)
        self.subgraph = subgraph
        self.code = code


class SubgraphOperationError(SubgraphError):
    """A subgraph refused an operation with GraphQL errors (a graphql-transport-ws `error`)."""

    def __init__(self, subgraph: str, errors: list[dict[str, Any]]):
        super().__init__(subgraph, f"subgraph '{subgraph}' refused the operation", ErrorCode.SUBGRAPH_EXECUTION_FAILURE)
        self.errors = errors


def caller_key(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """What a subgraph's answer may depend on besides the operation: the caller's credentials
    and language. Anything shared between clients is shared only under an equal key."""
    return headers.get("authorization"), headers.get("accept-language")


class SubgraphClient(Protocol):
    """Sends operations to one subgraph."""

    name: str

    async def execute(self, request: SubgraphRequest) -> dict[str, Any]:
        """Run a query or mutation; the GraphQL response body as a dict."""
        ...

    def subscribe(self, request: SubgraphRequest) -> AsyncIterator[dict[str, Any]]:
        """Open a subscription: `READY` once the subgraph listens (a transport that cannot tell may
        leave it out), then each event's GraphQL response body."""
        ...

    async def close(self) -> None:
        """Release pooled connections."""
        ...
