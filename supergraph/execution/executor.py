"""Executes a query plan: fetches in the plan's order and concurrency, results merged in place."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from supergraph.errors import ErrorCode, graphql_error
from supergraph.execution.entities import merge, objects_at, path_to, representation
from supergraph.planning.nodes import (
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    Sequence,
)
from supergraph.transport.base import SubgraphClient, SubgraphError, SubgraphRequest
from telemetry import metrics, tracing


@dataclass(slots=True)
class ExecutionContext:
    """One request's state while its plan runs."""

    clients: Mapping[str, SubgraphClient]
    variables: dict[str, Any]
    headers: dict[str, str]
    possible: dict[str, frozenset[str]]
    abstract: frozenset[str]
    dedupe: bool = True  # share identical in-flight subgraph queries
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    # what every fetch of a trace the sampler left out sends (the same `traceparent` each time): written once
    untraced_headers: dict[str, str] | None = None


async def execute_plan(node: PlanNode | None, context: ExecutionContext) -> None:
    """Run every fetch of the plan; failures become errors, never exceptions."""
    if node is not None:
        await _run(node, context)


async def _run(node: PlanNode, context: ExecutionContext) -> None:
    if isinstance(node, Fetch):
        await _fetch_root(node, context)
    elif isinstance(node, Flatten):
        await _fetch_entities(node.node, node.paths, context)
    elif isinstance(node, Sequence):
        for child in node.nodes:
            await _run(child, context)
    elif isinstance(node, Parallel):
        await asyncio.gather(*(_run(child, context) for child in node.nodes))
    elif isinstance(node, Condition):
        branch = node.if_true if context.variables.get(node.variable) else node.if_false
        if branch is not None:
            await _run(branch, context)
    else:
        raise TypeError(f"cannot execute {type(node).__name__} here")


def _variables(fetch: Fetch, context: ExecutionContext) -> dict[str, Any]:
    return {name: context.variables[name] for name in fetch.variable_usages if name in context.variables}


async def _send(fetch: Fetch, variables: dict[str, Any], context: ExecutionContext) -> dict | None:
    client = context.clients.get(fetch.service)
    if client is None:
        context.errors.append(_failure(fetch.service, f"no client for subgraph '{fetch.service}'"))
        return None
    if not tracing.enabled():
        return await _execute(client, fetch, variables, context, context.headers)
    if not tracing.recording():  # a trace the sampler dropped: the subgraph is told so, and records nothing either
        headers = context.untraced_headers
        if headers is None:
            headers = context.untraced_headers = dict(context.headers)
            tracing.inject(headers)
        return await _execute(client, fetch, variables, context, headers)
    entities = variables.get("representations")
    attributes: dict[str, str | int] = {"aurontek.subgraph": fetch.service,
                                        "aurontek.fetch.kind": "entities" if entities else "root",
                                        "graphql.operation.type": fetch.operation_kind}
    if isinstance(entities, list):
        attributes["aurontek.fetch.entities"] = len(entities)
    with tracing.span("gateway", f"fetch {fetch.service}", kind=tracing.SpanKind.CLIENT, attributes=attributes):
        headers = dict(context.headers)
        tracing.inject(headers)  # the subgraph's span continues this one
        return await _execute(client, fetch, variables, context, headers)


async def _execute(client: SubgraphClient, fetch: Fetch, variables: dict[str, Any], context: ExecutionContext,
                   headers: Mapping[str, str]) -> dict | None:
    request = SubgraphRequest(
        fetch.operation,
        variables,
        fetch.operation_name,
        headers,
        shareable=context.dedupe and fetch.operation_kind == "query",
    )
    kind = "entities" if "representations" in variables else "root"
    started = time.perf_counter()
    try:
        return await client.execute(request)
    except SubgraphError as error:
        metrics.child(metrics.FETCH_ERRORS, fetch.service, metrics.code_label(str(error.code))).inc()
        context.errors.append(_failure(fetch.service, str(error), error.code))
        return None
    finally:
        metrics.child(metrics.FETCH_DURATION, fetch.service, kind).observe(time.perf_counter() - started)


async def _fetch_root(fetch: Fetch, context: ExecutionContext) -> None:
    body = await _send(fetch, _variables(fetch, context), context)
    if body is None:
        return
    for error in body.get("errors") or ():
        context.errors.append(with_service(error, fetch.service))
    data = body.get("data")
    if isinstance(data, dict):
        merge(context.data, data, context.abstract)


async def _fetch_entities(fetch: Fetch, paths: tuple[tuple[str, ...], ...], context: ExecutionContext) -> None:
    assert fetch.requires is not None
    representations: list[dict[str, Any]] = []
    targets: list[list[dict]] = []
    seen: dict[bytes, int] = {}
    objects = objects_at(context.data, paths[0])
    for more in paths[1:]:
        objects.extend(objects_at(context.data, more))
    for obj in objects:
        rep = representation(obj, fetch.requires, context.possible)
        if rep is None:
            continue
        key = orjson.dumps(rep)
        index = seen.get(key)
        if index is None:
            seen[key] = index = len(representations)
            representations.append(rep)
            targets.append([])
        targets[index].append(obj)
    if not representations:
        return
    variables = _variables(fetch, context)
    variables["representations"] = representations
    body = await _send(fetch, variables, context)
    if body is None:
        return
    entities = (body.get("data") or {}).get("_entities")
    for error in body.get("errors") or ():
        context.errors.append(_repath(error, fetch.service, targets, context.data, paths))
    if not isinstance(entities, list):
        return
    for index, entity in enumerate(entities[: len(targets)]):
        if isinstance(entity, dict):
            for obj in targets[index]:
                merge(obj, entity, context.abstract)


def _repath(error: dict[str, Any], service: str, targets, data, paths) -> dict[str, Any]:
    """An `_entities` error path (`_entities.3.price`) becomes the client path of entity 3."""
    path = error.get("path")
    error = with_service(error, service)
    index = path[1] if isinstance(path, list) and len(path) >= 2 else 0
    if isinstance(path, list) and path[:1] == ["_entities"] and isinstance(index, int):
        rest = path[2:]
        if not 0 <= index < len(targets):
            index, rest = 0, []
        where = (
            next((w for p in paths if (w := path_to(data, p, targets[index][0])) is not None), None)
            if targets
            else None
        )
        if where is not None:
            error["path"] = [*where, *rest]
            return error
    if path is not None:
        error.pop("path", None)
    return error


def with_service(error: Any, service: str) -> dict[str, Any]:
    """A subgraph's error as the client sees it: tagged with the subgraph, without its locations."""
    if not isinstance(error, dict):
        return _failure(service, str(error))
    error = dict(error)
    extensions = dict(error.get("extensions") or {})
    extensions.setdefault("service", service)
    error["extensions"] = extensions
    error.pop("locations", None)
    return error


def _failure(service: str, message: str, code: str = ErrorCode.SUBGRAPH_EXECUTION_FAILURE) -> dict[str, Any]:
    return graphql_error(message, code, service=service)
