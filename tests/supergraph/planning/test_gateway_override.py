"""`@override`: the overriding subgraph resolves the field; the overridden one is not asked."""

from __future__ import annotations

from tests.supergraph.fixtures import override
from tests.supergraph.gateway_harness import dedent, federation

OVERRIDE = "{ tickets { status } }"


async def test_override_plan() -> None:
    """status moved from legacy to tickets."""
    async with federation(override.subgraphs()) as graph:
        assert graph.plan(OVERRIDE) == dedent("""
            QueryPlan {
              Sequence {
                Fetch(service: "legacy") {
                  {
                    tickets {
                      __typename
                      id
                    }
                  }
                },
                Flatten(path: "tickets.@") {
                  Fetch(service: "tickets") {
                    {
                      ... on Ticket {
                        __typename
                        id
                      }
                    } =>
                    query ($representations: [_Any!]!) {
                      _entities(representations: $representations) {
                        ... on Ticket {
                          status
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_override_result() -> None:
    async with federation(override.subgraphs()) as graph:
        result = await graph.execute(OVERRIDE)
    assert result == {"data": {"tickets": [{"status": "open"}]}}
