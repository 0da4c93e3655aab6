"""Plans are cached by operation text and name."""

from __future__ import annotations

from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import federation

DOCUMENT = "query A { me { name } } query B { products { name } }"


async def test_plan_cache_by_text_and_name() -> None:
    async with federation(entities.subgraphs()) as graph:
        cache = graph.gateway.cache
        await graph.execute(DOCUMENT, operation_name="A")
        await graph.execute(DOCUMENT, operation_name="A")
        b = await graph.execute(DOCUMENT, operation_name="B")
        assert (cache.misses, len(cache)) == (2, 2)
        assert cache.hits >= 1
        assert b == {"data": {"products": [{"name": "Laptop"}, {"name": "Mouse"}]}}
        assert graph.gateway.prepare(DOCUMENT, "A") is graph.gateway.prepare(DOCUMENT, "A")


async def test_unknown_operation_name() -> None:
    async with federation(entities.subgraphs()) as graph:
        result = await graph.execute(DOCUMENT, operation_name="C")
    assert result["errors"][0]["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"
