"""A shareable value type spread over subgraphs is fetched in parts and merged."""

from __future__ import annotations

from tests.supergraph.fixtures import value_types
from tests.supergraph.gateway_harness import dedent, federation

SPLIT_ROOT_FIELD = "{ stats { open triaged } }"


async def test_split_root_field_plan() -> None:
    """No one subgraph has all of Stats: each part from its own."""
    async with federation(value_types.subgraphs()) as graph:
        assert graph.plan(SPLIT_ROOT_FIELD) == dedent("""
            QueryPlan {
              Parallel {
                Fetch(service: "tickets") {
                  {
                    stats {
                      open
                    }
                  }
                },
                Fetch(service: "ia") {
                  {
                    stats {
                      triaged
                    }
                  }
                }
              }
            }
        """)


async def test_split_root_field_result() -> None:
    async with federation(value_types.subgraphs()) as graph:
        result = await graph.execute(SPLIT_ROOT_FIELD)
    assert result == {"data": {"stats": {"open": 4, "triaged": 3}}}
