"""The gateway's in-process subgraph client (`aurontek up`): a subgraph's app called directly answers as it does
over HTTP — the caller's headers reach it, its failures and slowness become the same subgraph errors — and nothing
of the gateway's context reaches the subgraph's code, or comes back."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator

import aiohttp
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from supergraph.errors import ErrorCode
from supergraph.transport.base import SubgraphError, SubgraphRequest
from supergraph.transport.http import InProcessSubgraphClient

CALLER: contextvars.ContextVar[str] = contextvars.ContextVar("caller", default="none")
URL = "http://127.0.0.1:3002/graphql"


async def graphql(request: Request) -> Response:
    body = await request.json()
    if body["query"] == "{ slow }":
        await asyncio.sleep(5)
    if body["query"] == "{ broken }":
        raise RuntimeError("the resolver's bug")
    if body["query"] == "{ text }":
        return Response("not json", media_type="text/plain")
    seen = CALLER.get()
    CALLER.set("set by the subgraph")
    return JSONResponse({"data": {"echo": {
        "authorization": request.headers.get("authorization"), "host": request.headers.get("host"),
        "variables": body.get("variables"), "operation": body.get("operationName"), "context": seen,
        "path": request.url.path, "peer": request.client.host if request.client else None}}})


@pytest.fixture
async def client() -> AsyncIterator[InProcessSubgraphClient]:
    app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])
    async with aiohttp.ClientSession() as session:
        yield InProcessSubgraphClient("tickets", URL, session, 0.5, app)


async def test_the_request_arrives_as_it_would_over_http(client: InProcessSubgraphClient) -> None:
    CALLER.set("the gateway's")
    answer = await client.execute(SubgraphRequest("query Q($n: Int) { echo }", {"n": 1}, "Q",
                                                  {"authorization": "Bearer abc"}))
    assert answer == {"data": {"echo": {
        "authorization": "Bearer abc", "host": "127.0.0.1:3002", "variables": {"n": 1}, "operation": "Q",
        "context": "none", "path": "/graphql", "peer": "127.0.0.1"}}}
    assert CALLER.get() == "the gateway's"  # what the subgraph set stayed in its own context


async def test_a_failing_or_slow_subgraph_is_a_subgraph_error(client: InProcessSubgraphClient) -> None:
    with pytest.raises(SubgraphError, match="answered HTTP 500 without JSON"):
        await client.execute(SubgraphRequest("{ broken }"))
    with pytest.raises(SubgraphError, match="answered HTTP 200 without JSON"):
        await client.execute(SubgraphRequest("{ text }"))
    with pytest.raises(SubgraphError) as slow:
        await client.execute(SubgraphRequest("{ slow }"))
    assert slow.value.code == ErrorCode.SUBGRAPH_TIMEOUT
