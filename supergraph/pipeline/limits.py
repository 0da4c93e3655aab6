"""Stage 5: the gateway's own limits on the normalized operation (depth, aliases, root fields, cost)."""

from __future__ import annotations

from graphql import GraphQLSchema

from supergraph.errors import graphql_error
from supergraph.limits import Limits, check_limits
from supergraph.pipeline.types import RequestError
from supergraph.planning.operation import Operation


def enforce_limits(schema: GraphQLSchema, operation: Operation, limits: Limits) -> None:
    violations = check_limits(schema, operation, limits)
    if violations:
        first = violations[0]
        raise RequestError(first.message, first.code,
                           errors=[graphql_error(v.message, v.code) for v in violations])
