"""`@defer` over HTTP through the real gateway server: `multipart/mixed` parts for a client that asks for them
(Apollo Client's own HttpLink, in Node, and a plain reading of the bytes), one JSON response for one that does not.
The reviews subgraph is held back until the test lets it answer: the first part must arrive before it does."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import compose_subgraphs, gateway_server
from tests.supergraph.identity import TokenIssuer, serve_jwks
from tests.supergraph.npm_packages import install_npm_packages
from tests.supergraph.tiny_subgraph import TinySubgraph, serve_subgraphs
from tests.supergraph.ws_client import connect

SCRIPT = Path(__file__).parent / "reference" / "defer_client.cjs"
PACKAGES = {"@apollo/client": "3.14.1", "graphql": "16.11.0"}
QUERY = 'query Shelf { products { name ... @defer(label: "reviews") { reviews { body } } } }'
PARTS = {"accept": "multipart/mixed;deferSpec=20220824,application/json", "content-type": "application/json"}


@pytest.fixture
async def held() -> AsyncIterator[tuple[list[TinySubgraph], asyncio.Event]]:
    subgraphs = entities.subgraphs()
    gate = subgraphs[2].gate = asyncio.Event()  # reviews
    async with serve_subgraphs(subgraphs) as running:
        yield running, gate


@pytest.fixture
def supergraph_file(held: tuple[list[TinySubgraph], asyncio.Event], tmp_path: Path) -> str:
    path = tmp_path / "supergraph.graphql"
    path.write_text(compose_subgraphs(held[0]))
    return str(path)


def _parts(raw: bytes) -> list[dict[str, Any]]:
    """The JSON bodies of a multipart/mixed response with the boundary `graphql`."""
    assert raw.endswith(b"\r\n--graphql--\r\n"), raw[-40:]
    chunks = raw.split(b"\r\n--graphql")[1:-1]
    bodies = []
    for chunk in chunks:
        head, _, body = chunk.partition(b"\r\n\r\n")
        assert b"content-type: application/json" in head.lower()
        bodies.append(json.loads(body))
    return bodies


async def test_the_first_part_arrives_before_the_held_subgraph_answers(
        held: tuple[list[TinySubgraph], asyncio.Event], supergraph_file: str) -> None:
    _, gate = held
    async with gateway_server(supergraph_file) as base, httpx.AsyncClient(timeout=10) as client, \
            client.stream("POST", f"{base}/graphql", json={"query": QUERY}, headers=PARTS) as response:
        assert response.headers["content-type"] == 'multipart/mixed;boundary="graphql";deferSpec=20220824'
        received = b""
        chunks = response.aiter_raw()
        while b'"hasNext":true' not in received:
            received += await asyncio.wait_for(anext(chunks), 5)
        assert b"reviews" not in received.split(b'"hasNext":true')[0].split(b"{", 1)[1]
        gate.set()
        async for chunk in chunks:
            received += chunk
    first, later = _parts(received)
    assert first == {"data": {"products": [{"name": "Laptop"}, {"name": "Mouse"}]}, "hasNext": True}
    assert later["hasNext"] is False
    assert [(e["path"], e["label"]) for e in later["incremental"]] == [(["products", 0], "reviews"),
                                                                       (["products", 1], "reviews")]


async def test_a_client_asking_for_json_gets_one_response(held: tuple[list[TinySubgraph], asyncio.Event],
                                                          supergraph_file: str) -> None:
    held[1].set()
    async with gateway_server(supergraph_file) as base, httpx.AsyncClient(timeout=10) as client:
        response = await client.post(f"{base}/graphql", json={"query": QUERY})
        plain = await client.post(f"{base}/graphql", json={"query": "{ products { name } }"}, headers=PARTS)
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"]["products"][1]["reviews"] == [{"body": "Clicky"}, {"body": "Small"}]
    assert plain.headers["content-type"] == "application/json"  # nothing deferred: one part is one response
    assert plain.json() == {"data": {"products": [{"name": "Laptop"}, {"name": "Mouse"}]}}


@pytest.fixture(scope="module")
def modules() -> Path:
    return install_npm_packages("npm-defer", PACKAGES, "Apollo Client")


async def test_apollo_client_shows_the_first_part_then_the_deferred_one(
        modules: Path, held: tuple[list[TinySubgraph], asyncio.Event], supergraph_file: str) -> None:
    _, gate = held
    async with gateway_server(supergraph_file) as base:
        process = await asyncio.create_subprocess_exec(
            "node", str(SCRIPT), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env={**os.environ, "NODE_PATH": str(modules)})
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        process.stdin.write(json.dumps({"url": f"{base}/graphql", "query": QUERY, "variables": {}}).encode())
        process.stdin.close()
        try:
            first = json.loads(await asyncio.wait_for(process.stdout.readline(), 20) or b"null")
            assert first is not None, (await process.stderr.read()).decode()
            gate.set()  # only now may the reviews subgraph answer
            later = json.loads(await asyncio.wait_for(process.stdout.readline(), 20) or b"null")
        finally:
            process.kill()
            await process.wait()
    assert first == {"next": {"data": {"products": [{"name": "Laptop"}, {"name": "Mouse"}]}, "errors": None}}
    assert later == {"next": {"errors": None, "data": {"products": [
        {"name": "Laptop", "reviews": [{"body": "Fast"}]},
        {"name": "Mouse", "reviews": [{"body": "Clicky"}, {"body": "Small"}]}]}}}


async def test_over_the_websocket_a_deferred_query_is_answered_whole(
        held: tuple[list[TinySubgraph], asyncio.Event], supergraph_file: str) -> None:
    held[1].set()
    issuer = TokenIssuer()
    async with serve_jwks(issuer) as jwks, gateway_server(supergraph_file, auth_jwks_url=jwks.url) as base, \
            connect(base.replace("http", "ws", 1) + "/graphql") as socket:
        assert (await socket.init(issuer.bearer()))["type"] == "connection_ack"
        await socket.subscribe("q", QUERY)
        answer, done = await socket.receive(), await socket.receive()
    assert answer["type"] == "next" and "hasNext" not in answer["payload"]
    assert answer["payload"]["data"]["products"][0] == {"name": "Laptop", "reviews": [{"body": "Fast"}]}
    assert done == {"id": "q", "type": "complete"}
