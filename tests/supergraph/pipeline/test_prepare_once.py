"""An operation is parsed and validated once, whatever the transport and whatever the outcome: over HTTP and over
WebSocket, a query, a subscription, a document refused by validation and one that does not parse each cost one
parse (and one validation when it parses), and sending any of them again costs nothing. A refused document
answers with every validation error, each with its code and locations."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from supergraph.pipeline.prepare import StageCounts
from tests.supergraph.gateway_harness import RunningGateway
from tests.supergraph.live_federation import MESSAGE_ADDED, LiveFederation, new_ticket
from tests.supergraph.ws_client import connect

INVALID = "{ me { id nickname } ticket { title } nope }"  # two unknown fields and a missing argument


@pytest.fixture(scope="module")
async def gateway(live: LiveFederation) -> AsyncIterator[RunningGateway]:
    async with live.gateway() as running:
        yield running


def _counts(gateway: RunningGateway) -> StageCounts:
    return gateway.app.runtime.gateway.preparer.counts


def _fresh(query: str) -> str:
    """The same operation as text the gateway has not seen (a comment makes it new)."""
    return f"# {uuid.uuid4().hex}\n{query}"


async def _costs(gateway: RunningGateway, send) -> tuple[int, int]:
    """How many parses and validations `send()` cost."""
    before = _counts(gateway)
    parses, validations = before.parses, before.validations
    await send()
    after = _counts(gateway)
    return after.parses - parses, after.validations - validations


async def test_over_http_each_outcome_is_prepared_once(gateway: RunningGateway) -> None:
    query, invalid, broken = _fresh("{ me { name } }"), _fresh(INVALID), _fresh("{ me { name }")
    answers: dict[str, list[dict]] = {}
    async with httpx.AsyncClient(base_url=gateway.url) as http:
        async def post(name: str, text: str) -> None:
            answers.setdefault(name, []).append((await http.post("/graphql", json={"query": text})).json())

        assert await _costs(gateway, lambda: post("query", query)) == (1, 1)
        assert await _costs(gateway, lambda: post("invalid", invalid)) == (1, 1)
        assert await _costs(gateway, lambda: post("broken", broken)) == (1, 0)
        for name, text in (("query", query), ("invalid", invalid), ("broken", broken)):
            assert await _costs(gateway, lambda n=name, t=text: post(n, t)) == (0, 0)
    assert answers["query"] == [{"data": {"me": {"name": "Ada"}}}] * 2
    first, again = answers["invalid"]
    assert first == again  # the cached refusal answers exactly as the first one did
    assert [e["extensions"]["code"] for e in first["errors"]] == ["GRAPHQL_VALIDATION_FAILED"] * 3
    assert all(e["locations"] for e in first["errors"])
    assert "Cannot query field 'nickname'" in first["errors"][0]["message"]
    assert answers["broken"][0]["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_over_websocket_each_outcome_is_prepared_once(live: LiveFederation, gateway: RunningGateway) -> None:
    first, second = new_ticket(), new_ticket()
    subscription, query, invalid = _fresh(MESSAGE_ADDED), _fresh("{ me { name } }"), _fresh(INVALID)
    async with connect(gateway.ws_url) as client:
        assert await client.init(live.issuer.bearer()) == {"type": "connection_ack"}

        async def subscribe(operation_id: str, text: str, variables: dict | None = None) -> None:
            await client.subscribe(operation_id, text, variables)
            if variables is not None:  # a subscription: it is live once the chat subgraph has it
                await live.chat.wait_active(variables["t"], 1)
            else:
                answer = await client.receive()
                received.append(answer)
                if answer["type"] == "next":
                    assert (await client.receive())["type"] == "complete"

        received: list[dict] = []
        assert await _costs(gateway, lambda: subscribe("s1", subscription, {"t": first})) == (1, 1)
        assert await _costs(gateway, lambda: subscribe("q1", query)) == (1, 1)
        assert await _costs(gateway, lambda: subscribe("e1", invalid)) == (1, 1)
        assert await _costs(gateway, lambda: subscribe("s2", subscription, {"t": second})) == (0, 0)
        assert await _costs(gateway, lambda: subscribe("q2", query)) == (0, 0)
        assert await _costs(gateway, lambda: subscribe("e2", invalid)) == (0, 0)
    assert [m["type"] for m in received] == ["next", "error", "next", "error"]
    assert received[0]["payload"] == {"data": {"me": {"name": "Ada"}}}
    assert len(received[1]["payload"]) == 3 and received[1]["payload"] == received[3]["payload"]
