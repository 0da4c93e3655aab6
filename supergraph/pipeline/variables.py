"""Stage 8: coerce the request's variables against the operation's definitions."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import get_variable_values

from supergraph.errors import ErrorCode
from supergraph.pipeline.types import RequestError


def coerce_variables(
    schema: GraphQLSchema, definition: OperationDefinitionNode, raw: dict[str, Any] | None
) -> dict[str, Any]:
    if not definition.variable_definitions:
        return {}
    if raw is not None and not isinstance(raw, dict):
        raise RequestError("`variables` must be an object.", ErrorCode.BAD_REQUEST)
    result = get_variable_values(schema, definition.variable_definitions, raw or {})
    if isinstance(result, list):
        raise RequestError(result[0].message, ErrorCode.BAD_USER_INPUT)
    # graphql-core 3.3 wraps the values with their sources; 3.2 returns the dict itself
    coerced: dict[str, Any] = getattr(result, "coerced", result)  # type: ignore[arg-type]
    # subgraphs receive the client's JSON values for the variables they use
    values = dict(raw or {})
    for name in coerced:
        if name not in values:
            values[name] = coerced[name]
    return values
