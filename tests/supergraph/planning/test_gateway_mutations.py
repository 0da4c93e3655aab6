"""Mutations run one after another in the order written, across subgraphs."""

from __future__ import annotations

from tests.supergraph.fixtures import mutations
from tests.supergraph.gateway_harness import dedent, federation

MUTATIONS_IN_ORDER = 'mutation { a: append(value: "1") b: push(value: "2") c: append(value: "3") }'


async def test_mutations_in_order_plan() -> None:
    """A sequence, never a parallel step."""
    async with federation(mutations.subgraphs()) as graph:
        assert graph.plan(MUTATIONS_IN_ORDER) == dedent("""
            QueryPlan {
              Sequence {
                Fetch(service: "first") {
                  mutation {
                    a: append(value: "1")
                  }
                },
                Fetch(service: "second") {
                  mutation {
                    b: push(value: "2")
                  }
                },
                Fetch(service: "first") {
                  mutation {
                    c: append(value: "3")
                  }
                }
              }
            }
        """)


async def test_mutations_in_order_result() -> None:
    async with federation(mutations.subgraphs()) as graph:
        result = await graph.execute(MUTATIONS_IN_ORDER)
    assert result == {"data": {"a": 1, "b": 2, "c": 3}}


async def test_mutations_ran_in_written_order() -> None:
    async with federation(mutations.subgraphs()) as graph:
        await graph.execute(MUTATIONS_IN_ORDER)
        result = await graph.execute("{ log }")
    assert result == {"data": {"log": ["first:1", "second:2", "first:3"]}}
