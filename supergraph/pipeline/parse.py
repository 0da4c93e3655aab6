"""Stage 1: parse the operation text."""

from __future__ import annotations

from graphql import DocumentNode, GraphQLSyntaxError, parse

from supergraph.errors import ErrorCode
from supergraph.pipeline.types import RequestError


def parse_operation(query: str | None, max_tokens: int) -> DocumentNode:
    if not query or not query.strip():
        raise RequestError("GraphQL operations must contain a non-empty `query`.", ErrorCode.BAD_REQUEST)
    try:
        return parse(query, no_location=False, max_tokens=max_tokens)
    except GraphQLSyntaxError as error:
        raise RequestError(error.message, ErrorCode.GRAPHQL_PARSE_FAILED) from error
