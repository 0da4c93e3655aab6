"""Abstract types spread across subgraphs; inaccessible elements stay hidden."""

from __future__ import annotations

from tests.supergraph.fixtures import abstract
from tests.supergraph.gateway_harness import dedent, federation

UNION_AND_INTERFACE = """
{
  search { __typename ... on Ticket { title priority } ... on Article { title } }
  feed { at ... on Created { ticket { title } } ... on Closed { reason } }
}
"""


async def test_union_and_interface_plan() -> None:
    """Each member is completed from the subgraph that owns its fields."""
    async with federation(abstract.subgraphs()) as graph:
        assert graph.plan(UNION_AND_INTERFACE) == dedent("""
            QueryPlan {
              Sequence {
                Fetch(service: "search") {
                  {
                    search {
                      __typename
                      ... on Article {
                        __typename
                        title
                      }
                      ... on Ticket {
                        __typename
                        id
                      }
                    }
                    feed {
                      __typename
                      ... on Closed {
                        at
                        reason
                      }
                      ... on Created {
                        at
                        ticket {
                          __typename
                          id
                        }
                      }
                    }
                  }
                },
                Flatten(paths: ["search.@", "feed.@.ticket"]) {
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
                          title
                          priority
                        }
                      }
                    }
                  }
                }
              }
            }
        """)


async def test_union_and_interface_result() -> None:
    async with federation(abstract.subgraphs()) as graph:
        result = await graph.execute(UNION_AND_INTERFACE)
    assert result == {
        "data": {
            "search": [
                {"__typename": "Ticket", "title": "Printer on fire", "priority": "HIGH"},
                {"__typename": "Article", "title": "Reset a password"},
            ],
            "feed": [{"at": "09:00", "ticket": {"title": "Printer on fire"}}, {"at": "10:00", "reason": "fixed"}],
        }
    }


async def test_inaccessible_field_is_not_in_the_api() -> None:
    async with federation(abstract.subgraphs()) as graph:
        result = await graph.execute("{ search { ... on Article { secret } } }")
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "secret" in result["errors"][0]["message"]
