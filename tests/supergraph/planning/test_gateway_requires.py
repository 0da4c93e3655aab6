"""`@requires`: plain, with arguments (conflicting ones in separate fetches) and with fragments."""

from __future__ import annotations

from tests.supergraph.fixtures import requires
from tests.supergraph.gateway_harness import dedent, federation

REQUIRES_ALL = "{ items { cost dutyUSD dutyEUR preview } }"


async def test_requires_all_plan() -> None:
    """Required fields are fetched first and passed in the representation."""
    async with federation(requires.subgraphs()) as graph:
        assert graph.plan(REQUIRES_ALL) == dedent("""
            QueryPlan {
              Sequence {
                Fetch(service: "catalog") {
                  {
                    items {
                      __typename
                      id
                      weight
                      price(currency: "USD")
                      _price0: price(currency: "EUR")
                      media {
                        __typename
                        ... on Photo {
                          url
                          width
                        }
                        ... on Video {
                          url
                          seconds
                        }
                      }
                    }
                  }
                },
                Parallel {
                  Flatten(path: "items.@") {
                    Fetch(service: "shipping") {
                      {
                        ... on Item {
                          __typename
                          id
                          weight
                          price
                          media {
                            __typename
                            ... on Photo {
                              url
                              width
                            }
                            ... on Video {
                              url
                              seconds
                            }
                          }
                        }
                      } =>
                      query ($representations: [_Any!]!) {
                        _entities(representations: $representations) {
                          ... on Item {
                            cost
                            dutyUSD
                            preview
                          }
                        }
                      }
                    }
                  },
                  Flatten(path: "items.@") {
                    Fetch(service: "shipping") {
                      {
                        ... on Item {
                          __typename
                          id
                          price <- _price0
                        }
                      } =>
                      query ($representations: [_Any!]!) {
                        _entities(representations: $representations) {
                          ... on Item {
                            dutyEUR
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_requires_all_result() -> None:
    async with federation(requires.subgraphs()) as graph:
        result = await graph.execute(REQUIRES_ALL)
    assert result == {"data": {"items": [{"cost": 30, "dutyUSD": 10, "dutyEUR": 9, "preview": "p.png@640"}]}}


REQUIRES_PLAIN = "{ items { id cost } }"


async def test_requires_plain_result() -> None:
    async with federation(requires.subgraphs()) as graph:
        result = await graph.execute(REQUIRES_PLAIN)
    assert result == {"data": {"items": [{"id": "i1", "cost": 30}]}}
