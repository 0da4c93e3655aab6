"""Stage 2: validate against the API schema; every error is returned, each with its locations."""

from __future__ import annotations

from graphql import DocumentNode, GraphQLSchema, validate

from supergraph.errors import ErrorCode, graphql_error
from supergraph.pipeline.types import RequestError


def validate_operation(schema: GraphQLSchema, document: DocumentNode) -> None:
    errors = validate(schema, document)
    if errors:
        every = []
        for error in errors:
            entry = graphql_error(error.message, ErrorCode.GRAPHQL_VALIDATION_FAILED)
            if error.locations:
                entry["locations"] = [location._asdict() for location in error.locations]
            every.append(entry)
        raise RequestError(errors[0].message, ErrorCode.GRAPHQL_VALIDATION_FAILED, errors=every)
