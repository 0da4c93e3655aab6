"""`@defer`: a query's deferred fragments come in a later payload, after the first one was sent without them.

Against real subgraphs over HTTP (the entities fixture: products, reviews in another subgraph, accounts). The
payloads are the incremental delivery format Apollo Client reads (deferSpec=20220824): the first with `hasNext:
true`, then `incremental` entries with `data`, `path` (list items by index), `label` and `errors`."""

from __future__ import annotations

import asyncio
from typing import Any

from supergraph.pipeline.types import GraphQLRequest
from tests.supergraph.fixtures import entities
from tests.supergraph.gateway_harness import Federation, federation

REVIEWS = '{ products { name ... @defer(label: "reviews") { reviews { body } } } me { name } }'


async def parts(graph: Federation, query: str, variables: dict[str, Any] | None = None,
                seen: list[int] | None = None) -> list[dict[str, Any]]:
    """Every payload of a deferring query; `seen` gets the number of requests the reviews subgraph had received
    when each payload was handed over."""
    request = GraphQLRequest(query=query, variables=variables)
    deferred = graph.gateway.deferred(request)
    assert deferred is not None, "the query defers nothing"
    out = []
    async for part in graph.gateway.parts(request, *deferred):
        out.append(part)
        if seen is not None:
            seen.append(len(graph.subgraphs["reviews"].requests))
    return out


async def test_the_first_payload_is_sent_before_the_deferred_subgraph_is_asked() -> None:
    async with federation(entities.subgraphs()) as graph:
        seen: list[int] = []
        first, later = await parts(graph, REVIEWS, seen=seen)
    assert first == {"data": {"products": [{"name": "Laptop"}, {"name": "Mouse"}], "me": {"name": "Ada"}},
                     "hasNext": True}
    assert seen == [0, 1]  # the reviews subgraph was asked only after the first payload went out
    assert later == {"hasNext": False, "incremental": [
        {"data": {"reviews": [{"body": "Fast"}]}, "path": ["products", 0], "label": "reviews"},
        {"data": {"reviews": [{"body": "Clicky"}, {"body": "Small"}]}, "path": ["products", 1], "label": "reviews"},
    ]}


async def test_the_first_payload_does_not_wait_for_a_held_subgraph() -> None:
    subgraphs = entities.subgraphs()
    subgraphs[2].gate = asyncio.Event()  # the reviews subgraph answers nothing until the test says so
    async with federation(subgraphs) as graph:
        request = GraphQLRequest(query=REVIEWS)
        deferred = graph.gateway.deferred(request)
        assert deferred is not None
        stream = graph.gateway.parts(request, *deferred)
        first = await asyncio.wait_for(anext(stream), 5)
        later = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.2)
        assert not later.done()  # the deferred part waits for the held subgraph
        subgraphs[2].gate.set()
        assert (await asyncio.wait_for(later, 5))["incremental"][0]["data"] == {"reviews": [{"body": "Fast"}]}
    assert first["hasNext"] is True and "reviews" not in first["data"]["products"][0]


async def test_one_response_has_everything_for_a_client_that_takes_one() -> None:
    async with federation(entities.subgraphs()) as graph:
        deferred = await graph.execute(REVIEWS)
        plain = await graph.execute("{ products { name reviews { body } } me { name } }")
    assert deferred == plain and "hasNext" not in deferred


async def test_fields_the_first_fetch_has_are_still_sent_in_the_deferred_part() -> None:
    query = '{ products { name ... @defer { price } } }'
    async with federation(entities.subgraphs()) as graph:
        first, later = await parts(graph, query)
        assert graph.subgraphs["products"].requests[0]["body"]["query"].count("price") == 1  # one fetch has it
    assert first["data"] == {"products": [{"name": "Laptop"}, {"name": "Mouse"}]}
    assert [e["data"] for e in later["incremental"]] == [{"price": 1200}, {"price": 25}]
    assert all("label" not in e for e in later["incremental"])


async def test_a_fragment_deferred_inside_another_comes_after_it_and_not_in_it() -> None:
    query = """{ products { name ... @defer(label: "outer") {
        reviews { body author { name ... @defer(label: "inner") { id } } } } } }"""
    async with federation(entities.subgraphs()) as graph:
        _, later = await parts(graph, query)
    entries = later["incremental"]
    assert [e["label"] for e in entries] == ["outer", "outer", "inner", "inner", "inner"]
    assert entries[0]["data"] == {"reviews": [{"body": "Fast", "author": {"name": "Ada"}}]}  # no id here
    assert [(e["path"], e["data"]) for e in entries[2:]] == [
        (["products", 0, "reviews", 0, "author"], {"id": "u1"}),
        (["products", 1, "reviews", 0, "author"], {"id": "u1"}),
        (["products", 1, "reviews", 1, "author"], {"id": "u2"}),
    ]


async def test_if_false_sends_the_fragment_at_once_and_if_a_variable_decides() -> None:
    literal = '{ products { name ... @defer(if: false) { reviews { body } } } }'
    variable = 'query($d: Boolean!) { products { name ... @defer(if: $d, label: "r") { reviews { body } } } }'
    async with federation(entities.subgraphs()) as graph:
        assert graph.gateway.deferred(GraphQLRequest(query=literal)) is None
        assert graph.gateway.deferred(GraphQLRequest(query=variable, variables={"d": False})) is None
        whole = await graph.execute(variable, {"d": False})
        first, later = await parts(graph, variable, {"d": True})
    assert whole["data"]["products"][1] == {"name": "Mouse", "reviews": [{"body": "Clicky"}, {"body": "Small"}]}
    assert first["data"]["products"][1] == {"name": "Mouse"}
    assert later["incremental"][1] == {"data": {"reviews": [{"body": "Clicky"}, {"body": "Small"}]},
                                       "path": ["products", 1], "label": "r"}


async def test_a_deferred_root_field_and_a_defer_on_a_type_that_does_not_apply() -> None:
    query = '{ me { name } ... @defer(label: "list") { products { name } } }'
    async with federation(entities.subgraphs()) as graph:
        first, later = await parts(graph, query)
    assert first == {"data": {"me": {"name": "Ada"}}, "hasNext": True}
    assert later["incremental"] == [{"data": {"products": [{"name": "Laptop"}, {"name": "Mouse"}]}, "path": [],
                                     "label": "list"}]


async def test_a_failing_deferred_fetch_errs_in_its_own_part_and_the_first_is_clean() -> None:
    subgraphs = entities.subgraphs()
    subgraphs[2].status = 500
    async with federation(subgraphs) as graph:
        first, later = await parts(graph, REVIEWS)
    assert first == {"data": {"products": [{"name": "Laptop"}, {"name": "Mouse"}], "me": {"name": "Ada"}},
                     "hasNext": True}
    # Product.reviews is non-null: each fragment's data is null, and the failure is told once
    assert [(e["data"], e["path"]) for e in later["incremental"]] == [(None, ["products", 0]), (None, ["products", 1])]
    errors = [error for entry in later["incremental"] for error in entry.get("errors", [])]
    assert len(errors) == 1 and errors[0]["extensions"] == {"code": "SUBGRAPH_EXECUTION_FAILURE", "service": "reviews"}
    assert later["hasNext"] is False
