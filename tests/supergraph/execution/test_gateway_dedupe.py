"""Identical queries in flight at once share one execution and one subgraph request."""

from __future__ import annotations

import asyncio

from supergraph.gateway import GatewayOptions
from tests.supergraph.fixtures import entities, mutations
from tests.supergraph.gateway_harness import federation

QUERY = "{ products { reviews { author { name } } } }"


async def test_identical_concurrent_queries_share_one_run() -> None:
    subgraphs = entities.subgraphs()
    subgraphs[1].delay = 0.05  # keep the first in flight while the others arrive
    async with federation(subgraphs) as graph:
        results = await asyncio.gather(*(graph.execute(QUERY) for _ in range(5)))
        assert all(r == results[0] for r in results) and "errors" not in results[0]
        assert len(graph.subgraphs["products"].requests) == 1


async def test_subgraph_requests_shared_without_client_sharing() -> None:
    subgraphs = entities.subgraphs()
    subgraphs[1].delay = 0.05
    options = GatewayOptions(dedupe_client_requests=False)
    async with federation(subgraphs, options) as graph:
        results = await asyncio.gather(*(graph.execute(QUERY) for _ in range(4)))
        assert all(r == results[0] for r in results)
        # one products request, decoded separately for each client request
        assert len(graph.subgraphs["products"].requests) == 1
        assert len(graph.subgraphs["accounts"].requests) == 1


async def test_different_authorization_is_not_shared() -> None:
    subgraphs = entities.subgraphs()
    subgraphs[1].delay = 0.05
    async with federation(subgraphs) as graph:
        await asyncio.gather(
            graph.execute(QUERY, headers={"authorization": "Bearer a"}),
            graph.execute(QUERY, headers={"authorization": "Bearer b"}),
        )
        assert len(graph.subgraphs["products"].requests) == 2


async def test_mutations_are_never_shared() -> None:
    async with federation(mutations.subgraphs()) as graph:
        query = 'mutation { append(value: "x") }'
        await asyncio.gather(graph.execute(query), graph.execute(query))
        assert len(graph.subgraphs["first"].requests) == 2
