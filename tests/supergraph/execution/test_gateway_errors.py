"""Failures: a failing or slow subgraph gives partial data and errors; subgraph errors are
re-pathed to the client's paths; nulls propagate as the spec says."""

from __future__ import annotations

from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import federation


def _failing_reviews(status: int = 500, delay: float = 0.0):
    subgraphs = entities.subgraphs()
    subgraphs[2].status = status
    subgraphs[2].delay = delay
    return subgraphs


async def test_failing_subgraph_gives_partial_data_and_an_error() -> None:
    async with federation(_failing_reviews(500)) as graph:
        result = await graph.execute('{ me { name } product(upc: "p1") { name reviews { body } } }')
    # Product.reviews is non-null: the product becomes null, `me` is untouched
    assert result["data"] == {"me": {"name": "Ada"}, "product": None}
    [error] = result["errors"]
    assert error["extensions"] == {"code": "SUBGRAPH_EXECUTION_FAILURE", "service": "reviews"}
    assert "HTTP 500" in error["message"]


async def test_unreachable_subgraph_gives_partial_data() -> None:
    async with federation(entities.subgraphs()) as graph:
        graph.gateway.clients["reviews"].url = "http://127.0.0.1:9/graphql"  # type: ignore[attr-defined]
        result = await graph.execute('{ me { name } product(upc: "p1") { name reviews { body } } }')
    assert result["data"] == {"me": {"name": "Ada"}, "product": None}
    assert result["errors"][0]["extensions"]["code"] == "SUBGRAPH_EXECUTION_FAILURE"


async def test_slow_subgraph_times_out() -> None:
    async with federation(_failing_reviews(200, delay=2.0), timeout=0.2) as graph:
        result = await graph.execute('{ product(upc: "p2") { name reviews { body } } me { name } }')
    assert result["data"] == {"product": None, "me": {"name": "Ada"}}
    assert result["errors"][0]["extensions"] == {"code": "SUBGRAPH_TIMEOUT", "service": "reviews"}


async def test_entity_error_is_repathed_to_the_client_path() -> None:
    subgraphs = entities.subgraphs()

    def broken(representation: dict) -> dict:
        raise ValueError(f"no reviews for {representation['upc']}")

    subgraphs[2].references["Product"] = broken
    async with federation(subgraphs) as graph:
        result = await graph.execute('{ product(upc: "p2") { name reviews { body } } }')
    assert result["data"] == {"product": None}
    [error] = result["errors"]
    assert error["message"] == "no reviews for p2"
    assert error["path"] == ["product"]
    assert error["extensions"]["service"] == "reviews"


async def test_null_propagates_to_the_nearest_nullable_parent() -> None:
    subgraphs = entities.subgraphs()
    users = dict(entities.USERS)

    def user(representation: dict) -> dict:
        if representation["id"] == "u2":
            return {"id": "u2", "name": None}  # violates `name: String!`
        return users[representation["id"]]

    subgraphs[0].references["User"] = user
    async with federation(subgraphs) as graph:
        nullable_root = await graph.execute('{ product(upc: "p2") { reviews { author { name } } } }')
        non_null_root = await graph.execute("{ products { reviews { author { name } } } }")
    # name! -> author! -> [Review!]! -> reviews! -> product (nullable): product is null
    assert nullable_root["data"] == {"product": None}
    assert nullable_root["errors"][0]["path"] == ["product", "reviews", 1, "author", "name"]
    # ... and up to a non-null root field: the whole data is null
    assert non_null_root["data"] is None


async def test_an_entity_a_subgraph_cannot_find_under_a_non_null_field_is_the_gateways_error_with_a_code() -> None:
    subgraphs = entities.subgraphs()
    subgraphs[0].references["User"] = lambda representation: None  # `_entities: [null]`, no error of its own
    async with federation(subgraphs) as graph:
        result = await graph.execute('{ product(upc: "p1") { name reviews { author { name } } } }')
    assert result["data"] == {"product": None}
    [error] = result["errors"]
    assert error["message"] == "Cannot return null for non-nullable field User.name."
    assert error["path"] == ["product", "reviews", 0, "author", "name"]
    assert error["extensions"] == {"code": "SUBGRAPH_INVALID_RESPONSE"}  # every error has its stable code
