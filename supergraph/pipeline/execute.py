"""Stage 9: run the plan, answer introspection, and shape the response."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLSchema,
    execute_sync,
    get_named_type,
    is_abstract_type,
)

from supergraph.execution.executor import ExecutionContext, execute_plan, with_service
from supergraph.execution.projection import BUBBLE, Projector
from supergraph.pipeline.types import PreparedOperation
from supergraph.planning.nodes import Subscription
from supergraph.planning.operation import Defer


async def run(
    schema: GraphQLSchema,
    prepared: PreparedOperation,
    context: ExecutionContext,
) -> dict[str, Any]:
    """Execute a prepared operation; the response body (`data`, `errors`). Deferred fragments come in it too: a
    client that takes one response gets everything at once."""
    await execute_plan(prepared.plan.node, context)
    await execute_plan(prepared.plan.deferred, context)
    _introspect(schema, prepared, context)
    return shape(schema, prepared, context)


def _introspect(schema: GraphQLSchema, prepared: PreparedOperation, context: ExecutionContext) -> None:
    if prepared.introspection is not None:
        result = execute_sync(schema, prepared.introspection, variable_values=context.variables)
        context.data.update(result.data or {})
        context.errors.extend(dict(e.formatted) for e in result.errors or ())


def deferring(prepared: PreparedOperation, variables: dict[str, Any]) -> list[Defer]:
    """The deferred fragments of a query that this request defers (`@defer(if: $v)` with `$v` false does not)."""
    if prepared.operation.kind != "query":
        return []
    return [d for d in prepared.operation.defers if d.if_variable is None or variables.get(d.if_variable, True)]


async def run_incremental(
    schema: GraphQLSchema,
    prepared: PreparedOperation,
    context: ExecutionContext,
) -> AsyncIterator[dict[str, Any]]:
    """Execute a query whose fragments are deferred: the first payload (`hasNext: true`) as soon as the fetches it
    needs are done, then one with every deferred fragment (`incremental`: data, path, label, errors at each object
    a fragment applies to; `hasNext: false`), in the incremental delivery format Apollo Client and other federation
    gateways speak (deferSpec=20220824)."""
    defers = prepared.operation.defers
    active = deferring(prepared, context.variables)
    if not active:
        yield await run(schema, prepared, context)
        return
    await execute_plan(prepared.plan.node, context)
    waited = len(active) < len(defers)  # a fragment not deferred after all needs the deferred fetches now
    if waited:
        await execute_plan(prepared.plan.deferred, context)
    _introspect(schema, prepared, context)
    # a deferred fragment's fields are left out of every payload but its own; one not deferred is included
    marks = {d.marker: d not in active for d in defers}
    first = shape(schema, prepared, context, marks)
    told = len(context.errors)
    if "errors" in first:
        first["errors"] = list(first["errors"])
    first["hasNext"] = True
    yield first
    if not waited:
        await execute_plan(prepared.plan.deferred, context)
    # a fragment inside another is placed in the response with its parent's data: a copy of what was sent
    nested = any(d.parent is not None for d in active)
    shown = copy.deepcopy(first["data"]) if nested else first["data"]
    yield _later(schema, prepared, context, active, marks, shown, context.errors[told:], nested)


def _later(schema: GraphQLSchema, prepared: PreparedOperation, context: ExecutionContext, active: list[Defer],
           marks: dict[str, bool], shown: Any, fetch_errors: list[dict[str, Any]], nested: bool
           ) -> dict[str, Any]:
    """The payload of every deferred fragment, at each object of the response so far that it applies to (a
    fragment inside another comes after it, at objects its parent brought)."""
    variables = {**context.variables, **marks}
    entries: list[dict[str, Any]] = []
    for defer in active:
        for raw, runtime, path in _locate(schema, context.data, shown, defer.location):
            errors = list(fetch_errors)  # the projection knows which nulls a failed fetch already explains
            linked: Any = None
            for key in path:
                linked = (linked, key)
            data = Projector(schema, variables, errors, prepared.projection_cache).object(
                raw, runtime, defer.selections, linked)
            if data is BUBBLE:
                entry: dict[str, Any] = {"data": None, "path": path}
            elif not data:
                continue  # the fragment does not apply to this object's type
            else:
                entry = {"data": data, "path": path}
                if nested:
                    _merge_at(shown, path, data)
            if defer.label is not None:
                entry["label"] = defer.label
            if len(errors) > len(fetch_errors):
                entry["errors"] = errors[len(fetch_errors):]
            entries.append(entry)
    body: dict[str, Any] = {"incremental": entries, "hasNext": False}
    unplaced = [e for e in fetch_errors if not _place_error(entries, e)]
    if unplaced:
        body["errors"] = unplaced
    return body


def _place_error(entries: list[dict[str, Any]], error: dict[str, Any]) -> bool:
    """Put a failed deferred fetch's error on the entry whose path is the longest start of the error's."""
    where = error.get("path") or []
    best = None
    for entry in entries:
        path = entry["path"]
        if where[: len(path)] == path and (best is None or len(path) > len(best["path"])):
            best = entry
    if best is None:
        if not entries:
            return False
        best = entries[0]
    best.setdefault("errors", []).append(error)
    return True


def _locate(schema: GraphQLSchema, raw: Any, shown: Any, location: tuple[tuple[str, str], ...]
            ) -> list[tuple[dict[str, Any], Any, list[Any]]]:
    """Each object at `location` (response keys and field names from the root) that the client has been sent: the
    merged subgraph data there, its runtime type and its response path (list items by index)."""
    found: list[tuple[dict[str, Any], Any, list[Any]]] = []

    def walk(raw: dict[str, Any], shown: dict[str, Any], type_: Any, depth: int, path: list[Any]) -> None:
        if depth == len(location):
            found.append((raw, type_, path))
            return
        key, name = location[depth]
        definition = type_.fields.get(name)
        if definition is None:
            return
        value = raw.get(key, raw.get(f"{key}__{type_.name}"))
        descend(value, shown.get(key), get_named_type(definition.type), depth + 1, [*path, key])

    def descend(raw: Any, shown: Any, named: Any, depth: int, path: list[Any]) -> None:
        if isinstance(shown, list) and isinstance(raw, list):
            for index, (raw_item, shown_item) in enumerate(zip(raw, shown, strict=False)):
                descend(raw_item, shown_item, named, depth, [*path, index])
            return
        if not isinstance(raw, dict) or not isinstance(shown, dict):
            return  # null, or nulled in what the client was sent: nothing to add there
        runtime = named
        if is_abstract_type(named):
            runtime = schema.type_map.get(raw.get("__typename") or "")
            if not isinstance(runtime, GraphQLObjectType):
                return
        walk(raw, shown, runtime, depth, path)

    if isinstance(raw, dict) and isinstance(shown, dict) and schema.query_type is not None:
        walk(raw, shown, schema.query_type, 0, [])
    return found


def _merge_at(shown: Any, path: list[Any], data: dict[str, Any]) -> None:
    """Add a delivered fragment's data to the response so far, so that fragments inside it find their objects."""
    target = shown
    for key in path:
        target = target[key]
    _merge(target, copy.deepcopy(data))  # a copy: the entry itself is sent as it is now


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        mine = into.get(key)
        if isinstance(mine, dict) and isinstance(value, dict):
            _merge(mine, value)
        elif isinstance(mine, list) and isinstance(value, list) and len(mine) == len(value):
            for index, (a, b) in enumerate(zip(mine, value, strict=True)):
                if isinstance(a, dict) and isinstance(b, dict):
                    _merge(a, b)
                else:
                    mine[index] = b
        else:
            into[key] = value


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


def shape(schema: GraphQLSchema, prepared: PreparedOperation, context: ExecutionContext,
          marks: dict[str, bool] | None = None) -> dict[str, Any]:
    """The response body: the client's selection projected from the merged data, nulls propagated. `marks`: which
    deferred fragments' fields to include (all of them when None)."""
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[prepared.operation.kind]
    assert root is not None, "validation admits only root types the schema has"
    if marks is None:
        marks = {d.marker: True for d in prepared.operation.defers}
    variables = {**context.variables, **marks} if marks else context.variables
    projector = Projector(schema, variables, context.errors, prepared.projection_cache)
    data = projector.root(context.data, root, prepared.operation.selections)
    body: dict[str, Any] = {"data": data}
    if context.errors:
        body = {"errors": context.errors, "data": data}
    return body
