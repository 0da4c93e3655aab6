"""Stage 9: run the plan, answer introspection, and shape the response."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLSchema,
    execute_sync,
)

from supergraph.execution.executor import ExecutionContext, execute_plan, with_service
from supergraph.execution.projection import Projector
from supergraph.pipeline.types import PreparedOperation
from supergraph.planning.nodes import Subscription


async def run(
    schema: GraphQLSchema,
    prepared: PreparedOperation,
    context: ExecutionContext,
) -> dict[str, Any]:
    """Execute a prepared operation; the response body (`data`, `errors`)."""
    await execute_plan(prepared.plan.node, context)
    if prepared.introspection is not None:
        result = execute_sync(schema, prepared.introspection, variable_values=context.variables)
        context.data.update(result.data or {})
        context.errors.extend(dict(e.formatted) for e in result.errors or ())
    return shape(schema, prepared, context)


async def run_event(
    schema: GraphQLSchema,
    prepared: PreparedOperation,
    context: ExecutionContext,
    event: dict[str, Any],
) -> dict[str, Any]:
    """Complete one subscription event (the subgraph's result, which becomes the response's
    own data) with the rest of the plan, exactly as a query's entity fetches, then shape it."""
    node = prepared.plan.node
    assert isinstance(node, Subscription), "only subscription plans have events"
    for error in event.get("errors") or ():
        context.errors.append(with_service(error, node.primary.service))
    data = event.get("data")
    if not isinstance(data, dict):  # the subgraph's event is an error: nothing to complete
        return {"errors": context.errors, "data": None} if context.errors else {"data": None}
    context.data = data
    await execute_plan(node.rest, context)
    return shape(schema, prepared, context)


def shape(schema: GraphQLSchema, prepared: PreparedOperation, context: ExecutionContext) -> dict[str, Any]:
    """The response body: the client's selection projected from the merged data, nulls propagated."""
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[prepared.operation.kind]
    assert root is not None, "validation admits only root types the schema has"
    projector = Projector(schema, context.variables, context.errors, prepared.projection_cache)
    data = projector.root(context.data, root, prepared.operation.selections)
    body: dict[str, Any] = {"data": data}
    if context.errors:
        body = {"errors": context.errors, "data": data}
    return body
