"""Stage 2: validate against the API schema, then the gateway's own limits."""

from __future__ import annotations

from graphql import DocumentNode, GraphQLSchema, validate

from supergraph.limits import Limits, check_limits
from supergraph.pipeline.types import RequestError
from supergraph.planning.operation import Operation


def validate_operation(schema: GraphQLSchema, document: DocumentNode) -> None:
    errors = validate(schema, document)
    if errors:
        raise RequestError(errors[0].message, "GRAPHQL_VALIDATION_FAILED", all=[e.message for e in errors[1:]] or None)


def enforce_limits(schema: GraphQLSchema, operation: Operation, limits: Limits) -> None:
    violations = check_limits(schema, operation, limits)
    if violations:
        first = violations[0]
        raise RequestError(first.message, first.code)
