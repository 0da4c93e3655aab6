"""Typed requests, responses and errors passed between the pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, OperationDefinitionNode

from supergraph.errors import ErrorCode, graphql_error
from supergraph.planning.nodes import QueryPlan
from supergraph.planning.operation import Operation


@dataclass(slots=True)
class GraphQLRequest:
    """A client's GraphQL request as the server decoded it."""

    query: str | None
    operation_name: str | None = None
    variables: dict[str, Any] | None = None
    extensions: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)  # forwarded to subgraphs
    method: str = "POST"
    document_id: Any = None  # `documentId`: a trusted document's id, instead of `query` (checked where resolved)


@dataclass(slots=True)
class GraphQLResponse:
    """The body to send and the HTTP status to send it with."""

    body: dict[str, Any]
    status: int = 200


@dataclass(slots=True)
class PreparedOperation:
    """Everything about an operation that does not depend on variables; cached."""

    document: DocumentNode
    definition: OperationDefinitionNode
    operation: Operation
    plan: QueryPlan
    introspection: DocumentNode | None  # the root introspection fields alone, if any
    projection_cache: dict = field(default_factory=dict)


class RequestError(Exception):
    """A request the gateway refuses before executing it, with a stable code."""

    def __init__(self, message: str, code: str, status: int = 400, *, errors: list[dict[str, Any]] | None = None,
                 **extensions: Any):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.extensions = extensions
        self.errors = errors  # every error when there is more than the first (validation, limits)

    @property
    def during_execution(self) -> bool:
        """Planning failures answer like execution failures: `data: null` and a 200."""
        return self.code == ErrorCode.QUERY_PLANNING_FAILED

    def as_errors(self) -> list[dict[str, Any]]:
        """The response's `errors`."""
        return self.errors or [graphql_error(self.message, self.code, **self.extensions)]
