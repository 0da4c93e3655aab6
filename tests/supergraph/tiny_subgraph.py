"""A tiny Federation v2 subgraph for gateway tests: SDL plus plain-dict resolvers, served
over real HTTP by aiohttp, recording every request it receives."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web
from graphql import (
    GraphQLSchema,
    ObjectTypeDefinitionNode,
    build_ast_schema,
    graphql,
    parse,
)

_FEDERATION = """
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @external on FIELD_DEFINITION | OBJECT
directive @requires(fields: String!) on FIELD_DEFINITION
directive @provides(fields: String!) on FIELD_DEFINITION
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ENUM
  | ENUM_VALUE | SCALAR | INPUT_OBJECT | INPUT_FIELD_DEFINITION | ARGUMENT_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @interfaceObject on OBJECT
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @extends on OBJECT | INTERFACE
directive @link(url: String!, import: [link__Import]) repeatable on SCHEMA
scalar link__Import
scalar _Any
type _Service { sdl: String }
"""

Resolver = Callable[..., Any]
LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", '
    '"@external", "@requires", "@provides", "@shareable", "@inaccessible", "@override", '
    '"@interfaceObject", "@tag"])\n'
)


@dataclass
class TinySubgraph:
    """One subgraph: SDL (the federation `@link` is added), resolvers and entity lookups.

    `resolvers[type][field](parent, **args)` computes a field; otherwise the parent dict's
    value is used. `references[type](representation)` returns the entity or None (default:
    the representation itself)."""

    name: str
    sdl: str
    resolvers: dict[str, dict[str, Resolver]] = field(default_factory=dict)
    references: dict[str, Resolver] = field(default_factory=dict)
    delay: float = 0.0
    gate: asyncio.Event | None = None  # when set, every request waits for it before it is answered
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    in_flight: int = 0  # requests being answered now
    most_in_flight: int = 0  # the most answered at once

    @property
    def full_sdl(self) -> str:
        return LINK + self.sdl

    def schema(self) -> GraphQLSchema:
        document = parse(self.sdl)
        objects = [d for d in document.definitions if isinstance(d, ObjectTypeDefinitionNode)]
        entities = [
            d.name.value for d in objects if any(x.name.value in ("key", "interfaceObject") for x in d.directives or ())
        ]
        has_query = any(d.name.value == "Query" for d in objects)
        extra = _FEDERATION
        if entities:
            extra += f"union _Entity = {' | '.join(entities)}\n"
        fields = "_service: _Service!"
        if entities:
            fields += " _entities(representations: [_Any!]!): [_Entity]!"
        extra += ("extend type Query {" if has_query else "type Query {") + fields + "}\n"
        return build_ast_schema(parse(self.sdl + "\n" + extra), assume_valid_sdl=True)


def _field_resolver(subgraph: TinySubgraph):
    def resolve(parent: Any, info: Any, **args: Any) -> Any:
        type_resolvers = subgraph.resolvers.get(info.parent_type.name, {})
        if info.field_name in type_resolvers:
            return type_resolvers[info.field_name](parent, **args)
        if info.field_name == "_service":
            return {"sdl": subgraph.full_sdl}
        if info.field_name == "_entities":
            return [_entity(subgraph, rep) for rep in args["representations"]]
        if isinstance(parent, dict):
            return parent.get(info.field_name)
        return getattr(parent, info.field_name, None)

    return resolve


def _entity(subgraph: TinySubgraph, representation: dict[str, Any]) -> Any:
    lookup = subgraph.references.get(representation["__typename"])
    try:
        found = lookup(representation) if lookup else dict(representation)
    except Exception as error:  # graphql-core reports a returned error at that list index
        return error
    if isinstance(found, dict) and "__typename" not in found:
        found = {"__typename": representation["__typename"], **found}
    return found


def _type_resolver(value: Any, *_: Any) -> str | None:
    return value.get("__typename") if isinstance(value, dict) else None


def make_app(subgraph: TinySubgraph) -> web.Application:
    schema = subgraph.schema()
    resolve = _field_resolver(subgraph)

    async def handle(request: web.Request) -> web.Response:
        body = orjson.loads(await request.read())
        headers = {k.lower(): v for k, v in request.headers.items()}
        subgraph.requests.append({"headers": headers, "body": body})
        subgraph.in_flight += 1
        subgraph.most_in_flight = max(subgraph.most_in_flight, subgraph.in_flight)
        try:
            if subgraph.delay:
                await asyncio.sleep(subgraph.delay)
            if subgraph.gate is not None:
                await subgraph.gate.wait()
        finally:
            subgraph.in_flight -= 1
        if subgraph.status != 200:
            return web.Response(status=subgraph.status, text="subgraph unavailable")
        result = await graphql(
            schema,
            body["query"],
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
            field_resolver=resolve,
            type_resolver=_type_resolver,
        )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [e.formatted for e in result.errors]
        return web.Response(body=orjson.dumps(payload), content_type="application/json")

    app = web.Application()
    app.router.add_post("/graphql", handle)
    return app


@contextlib.asynccontextmanager
async def serve_subgraphs(subgraphs: list[TinySubgraph]) -> AsyncIterator[list[TinySubgraph]]:
    """Serve each subgraph on its own ephemeral port; sets `url` on each."""
    runners = []
    try:
        for subgraph in subgraphs:
            runner = web.AppRunner(make_app(subgraph), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            subgraph.url = f"http://127.0.0.1:{port}/graphql"
            runners.append(runner)
        yield subgraphs
    finally:
        for runner in runners:
            await runner.cleanup()
