"""The gateway's own error codes, one `StrEnum`, and the one way it builds a GraphQL error from them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """`extensions.code` of every error the gateway itself answers with (the subgraphs' codes pass through)."""

    # the request, before any GraphQL
    BAD_REQUEST = "BAD_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    CSRF_BLOCKED = "CSRF_BLOCKED"
    ORIGIN_NOT_ALLOWED = "ORIGIN_NOT_ALLOWED"  # a browser page of an origin not in GATEWAY_CORS_ORIGINS
    # the operation's pipeline: parse, validate, select, limits, introspection, variables, plan
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
    MAX_DEPTH_EXCEEDED = "MAX_DEPTH_EXCEEDED"
    MAX_ALIASES_EXCEEDED = "MAX_ALIASES_EXCEEDED"
    MAX_ROOT_FIELDS_EXCEEDED = "MAX_ROOT_FIELDS_EXCEEDED"
    MAX_COST_EXCEEDED = "MAX_COST_EXCEEDED"
    INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    QUERY_PLANNING_FAILED = "QUERY_PLANNING_FAILED"
    # execution
    SUBGRAPH_EXECUTION_FAILURE = "SUBGRAPH_EXECUTION_FAILURE"
    SUBGRAPH_TIMEOUT = "SUBGRAPH_TIMEOUT"
    # a subgraph's answer breaks the API schema: null in a non-null field, an enum value it does not have
    SUBGRAPH_INVALID_RESPONSE = "SUBGRAPH_INVALID_RESPONSE"
    SUBGRAPH_SUBSCRIPTION_FAILED = "SUBGRAPH_SUBSCRIPTION_FAILED"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    SUBSCRIPTION_BACKLOG = "SUBSCRIPTION_BACKLOG"
    # the gateway itself
    SUPERGRAPH_UNAVAILABLE = "SUPERGRAPH_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def graphql_error(message: str, code: ErrorCode | str, **extensions: Any) -> dict[str, Any]:
    """One entry of a response's `errors`."""
    return {"message": message, "extensions": {"code": str(code), **extensions}}
