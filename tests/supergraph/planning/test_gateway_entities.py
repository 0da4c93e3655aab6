"""Entity fetches: keys, `_entities`, flatten paths, parallel steps, deduplication."""

from __future__ import annotations

from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import dedent, federation

DEEP = "{ products { name reviews { body author { name } } } me { name } }"


async def test_plan_fetches_products_then_reviews_then_authors() -> None:
    async with federation(entities.subgraphs()) as graph:
        assert graph.plan(DEEP) == dedent("""
            QueryPlan {
              Sequence {
                Parallel {
                  Fetch(service: "products") {
                    {
                      products {
                        name
                        __typename
                        upc
                      }
                    }
                  },
                  Fetch(service: "accounts") {
                    {
                      me {
                        name
                      }
                    }
                  }
                },
                Flatten(path: "products.@") {
                  Fetch(service: "reviews") {
                    {
                      ... on Product {
                        __typename
                        upc
                      }
                    } =>
                    query ($representations: [_Any!]!) {
                      _entities(representations: $representations) {
                        ... on Product {
                          reviews {
                            body
                            author {
                              __typename
                              id
                            }
                          }
                        }
                      }
                    }
                  }
                },
                Flatten(path: "products.@.reviews.@.author") {
                  Fetch(service: "accounts") {
                    {
                      ... on User {
                        __typename
                        id
                      }
                    } =>
                    query ($representations: [_Any!]!) {
                      _entities(representations: $representations) {
                        ... on User {
                          name
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_result_joins_three_subgraphs() -> None:
    async with federation(entities.subgraphs()) as graph:
        assert await graph.execute(DEEP) == {
            "data": {
                "products": [
                    {"name": "Laptop", "reviews": [{"body": "Fast", "author": {"name": "Ada"}}]},
                    {
                        "name": "Mouse",
                        "reviews": [
                            {"body": "Clicky", "author": {"name": "Ada"}},
                            {"body": "Small", "author": {"name": "Linus"}},
                        ],
                    },
                ],
                "me": {"name": "Ada"},
            }
        }


async def test_one_entities_request_per_step_with_representations_deduplicated() -> None:
    async with federation(entities.subgraphs()) as graph:
        await graph.execute("{ products { reviews { author { name } } } }")
        entity_calls = [r for r in graph.subgraphs["accounts"].requests]
        assert len(entity_calls) == 1
        representations = entity_calls[0]["body"]["variables"]["representations"]
        # u1 wrote two reviews: sent once
        assert representations == [{"__typename": "User", "id": "u1"}, {"__typename": "User", "id": "u2"}]
        assert len(graph.subgraphs["reviews"].requests) == 1


async def test_variables_aliases_and_fragments() -> None:
    query = """
        query Item($upc: ID!) { item: product(upc: $upc) { ...P } }
        fragment P on Product { label: name reviews { author { __typename id } } }
    """
    async with federation(entities.subgraphs()) as graph:
        assert graph.plan(query).splitlines()[2:5] == [
            '    Fetch(service: "products") {',
            "      query Item__products__0($upc: ID!) {",
            "        item: product(upc: $upc) {",
        ]
        result = await graph.execute(query, {"upc": "p1"})
        assert result == {
            "data": {"item": {"label": "Laptop", "reviews": [{"author": {"__typename": "User", "id": "u1"}}]}}
        }


async def test_typename_everywhere() -> None:
    async with federation(entities.subgraphs()) as graph:
        result = await graph.execute("{ __typename me { __typename t: __typename } }")
        assert result == {"data": {"__typename": "Query", "me": {"__typename": "User", "t": "User"}}}


async def test_null_entity_leaves_nullable_field_null() -> None:
    async with federation(entities.subgraphs()) as graph:
        assert await graph.execute('{ product(upc: "nope") { name reviews { body } } }') == {"data": {"product": None}}
