"""`@skip` / `@include`: whole fetches become conditions; fields inside fetches are forwarded."""

from __future__ import annotations

from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import dedent, federation

QUERY = """
query Home($withMe: Boolean!, $noReviews: Boolean!) {
  products { name reviews @skip(if: $noReviews) { body } }
  me @include(if: $withMe) { name }
}
"""


async def test_plan_has_conditions() -> None:
    async with federation(entities.subgraphs()) as graph:
        assert graph.plan(QUERY) == dedent("""
            QueryPlan {
              Sequence {
                Parallel {
                  Fetch(service: "products") {
                    query Home__products__0 {
                      products {
                        name
                        __typename
                        upc
                      }
                    }
                  },
                  Include(if: $withMe) {
                    Fetch(service: "accounts") {
                      query Home__accounts__2($withMe: Boolean!) {
                        me @include(if: $withMe) {
                          name
                        }
                      }
                    }
                  }
                },
                Skip(if: $noReviews) {
                  Flatten(path: "products.@") {
                    Fetch(service: "reviews") {
                      {
                        ... on Product {
                          __typename
                          upc
                        }
                      } =>
                      query Home__reviews__1($representations: [_Any!]!, $noReviews: Boolean!) {
                        _entities(representations: $representations) {
                          ... on Product {
                            reviews @skip(if: $noReviews) {
                              body
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_conditions_false_skip_fetches() -> None:
    async with federation(entities.subgraphs()) as graph:
        result = await graph.execute(QUERY, {"withMe": False, "noReviews": True})
        assert result == {"data": {"products": [{"name": "Laptop"}, {"name": "Mouse"}]}}
        assert graph.subgraphs["accounts"].requests == []
        assert graph.subgraphs["reviews"].requests == []


async def test_conditions_true_run_fetches() -> None:
    async with federation(entities.subgraphs()) as graph:
        result = await graph.execute(QUERY, {"withMe": True, "noReviews": False})
    assert result["data"]["me"] == {"name": "Ada"}
    assert result["data"]["products"][0] == {"name": "Laptop", "reviews": [{"body": "Fast"}]}


async def test_literal_conditions_are_applied_at_planning() -> None:
    async with federation(entities.subgraphs()) as graph:
        result = await graph.execute("{ me @include(if: false) { name } products @skip(if: false) { name } }")
    assert result == {"data": {"products": [{"name": "Laptop"}, {"name": "Mouse"}]}}
