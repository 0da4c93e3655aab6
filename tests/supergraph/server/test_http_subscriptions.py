"""Subscriptions over HTTP through the gateway: graphql-sse's client (Server-Sent Events, distinct connections) and
Apollo Client's multipart subscriptions receive federated `messageAdded` events; the same auth and limits as the
socket; the stream ends when the client goes away, and heartbeats keep a quiet one open."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest

from tests.supergraph.live_federation import MESSAGE_ADDED, LiveFederation, new_ticket
from tests.supergraph.npm_packages import install_npm_packages

SCRIPT = Path(__file__).parent / "reference" / "http_subscription_client.cjs"
PACKAGES = {"graphql-sse": "2.6.1", "@apollo/client": "3.14.1", "graphql": "16.11.0"}
SSE = {"accept": "text/event-stream", "content-type": "application/json"}
MULTIPART = {"accept": 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json',
             "content-type": "application/json"}


@pytest.fixture(scope="module")
def modules() -> Path:
    return install_npm_packages("npm-http-subscriptions", PACKAGES, "graphql-sse and Apollo Client")


async def _client(modules: Path, **arguments: Any) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        "node", str(SCRIPT), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, "NODE_PATH": str(modules)})
    assert process.stdin is not None
    process.stdin.write(json.dumps(arguments).encode())
    process.stdin.close()
    return process


async def _line(process: asyncio.subprocess.Process, timeout: float = 15.0) -> dict[str, Any]:
    assert process.stdout is not None and process.stderr is not None
    raw = await asyncio.wait_for(process.stdout.readline(), timeout)
    if not raw:
        raise AssertionError(f"the client ended early: {(await process.stderr.read()).decode()}")
    return json.loads(raw)


@pytest.mark.parametrize("client", ["sse", "apollo"])
async def test_a_real_client_receives_message_added(modules: Path, live: LiveFederation, client: str) -> None:
    ticket = new_ticket()
    async with live.gateway() as gateway:
        process = await _client(modules, client=client, url=f"{gateway.url}/graphql",
                                authorization=live.issuer.bearer(), subscription=MESSAGE_ADDED,
                                variables={"t": ticket}, events=2)
        await live.chat.wait_active(ticket, 1, timeout=15)
        live.chat.publish(ticket, "first", author="u1")
        first = await _line(process)
        live.chat.publish(ticket, "second", author="u2")
        second = await _line(process)
        assert await _line(process) == {"done": True}
        assert await asyncio.wait_for(process.wait(), 10) == 0
        await live.chat.wait_active(ticket, 0, timeout=15)  # unsubscribing ended the upstream feed too
    assert first == {"next": {"data": {"messageAdded": {"text": "first", "author": {"name": "Ada"},
                                                        "ticket": {"title": "Untitled"}}}}}
    assert second["next"]["data"]["messageAdded"]["author"] == {"name": "Grace"}


@pytest.mark.parametrize("client", ["sse", "apollo"])
async def test_an_expired_token_is_refused_before_anything_starts(modules: Path, live: LiveFederation,
                                                                  client: str) -> None:
    ticket = new_ticket()
    async with live.gateway() as gateway:
        process = await _client(modules, client=client, url=f"{gateway.url}/graphql",
                                authorization=live.issuer.bearer(ttl=-60), subscription=MESSAGE_ADDED,
                                variables={"t": ticket}, events=1)
        refused = await _line(process)
        assert await _line(process) == {"done": True}
    # graphql-sse tells the status; Apollo Client the code of the JSON body
    assert refused["error"] in ("Server responded with 401: Unauthorized", "UNAUTHENTICATED"), refused
    assert live.chat.active(ticket) == 0


class Reader:
    """A streamed response read chunk by chunk, up to a marker at a time."""

    def __init__(self, response: httpx.Response) -> None:
        self.chunks = response.aiter_raw()
        self.kept = b""

    async def until(self, marker: bytes, timeout: float = 15.0) -> bytes:
        async with asyncio.timeout(timeout):
            while marker not in self.kept:
                self.kept += await anext(self.chunks)
        end = self.kept.index(marker) + len(marker)
        read, self.kept = self.kept[:end], self.kept[end:]
        return read


async def test_sse_frames_heartbeats_and_a_clean_end_when_the_client_leaves(live: LiveFederation) -> None:
    ticket = new_ticket()
    body = {"query": MESSAGE_ADDED, "variables": {"t": ticket}}
    async with live.gateway(stream_heartbeat=0.2) as gateway, httpx.AsyncClient(timeout=20) as http:
        headers = {**SSE, "authorization": live.issuer.bearer()}
        async with http.stream("POST", f"{gateway.url}/graphql", json=body, headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            reader = Reader(response)
            await live.chat.wait_active(ticket, 1, timeout=15)
            quiet = await reader.until(b"\n\n")
            live.chat.publish(ticket, "hello", author="u1")
            event = await reader.until(b"event: next\n")
            data = await reader.until(b"\n\n")
        assert quiet == b":\n\n"  # a comment: graphql-sse's clients skip it
        assert event.replace(b":\n\n", b"") == b"event: next\n"  # heartbeats only, before it
        assert json.loads(data.removeprefix(b"data: "))["data"]["messageAdded"]["text"] == "hello"
        await live.chat.wait_active(ticket, 0, timeout=15)  # the client left: the feed is closed upstream
        for _ in range(100):
            if not gateway.app.runtime.connections:
                break
            await asyncio.sleep(0.05)
        assert len(gateway.app.runtime.connections) == 0


async def test_multipart_frames_and_the_end_of_the_feed(live: LiveFederation) -> None:
    ticket = new_ticket()
    body = {"query": MESSAGE_ADDED, "variables": {"t": ticket}}
    async with live.gateway(stream_heartbeat=0.2) as gateway, httpx.AsyncClient(timeout=20) as http:
        headers = {**MULTIPART, "authorization": live.issuer.bearer()}
        async with http.stream("POST", f"{gateway.url}/graphql", json=body, headers=headers) as response:
            assert response.headers["content-type"] == 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"'
            reader = Reader(response)
            await live.chat.wait_active(ticket, 1, timeout=15)
            heartbeat = await reader.until(b"{}\r\n--graphql")
            live.chat.publish(ticket, "hello", author="u1")
            await reader.until(b'{"payload"')
            payload = b'{"payload"' + await reader.until(b"\r\n--graphql")
    assert heartbeat == b"\r\n--graphql\r\ncontent-type: application/json; charset=utf-8\r\n\r\n{}\r\n--graphql"
    assert json.loads(payload.removesuffix(b"\r\n--graphql"))["payload"]["data"]["messageAdded"]["text"] == "hello"


async def test_the_same_refusals_as_the_socket(live: LiveFederation) -> None:
    body = {"query": MESSAGE_ADDED, "variables": {"t": new_ticket()}}
    async with live.gateway(ws_max_connections=1) as gateway, httpx.AsyncClient(timeout=20) as http:
        url = f"{gateway.url}/graphql"
        anonymous = await http.post(url, json=body, headers=SSE)
        forged = await http.post(url, json=body, headers={**SSE, "authorization": "Bearer not-a-token"})
        invalid = await http.post(url, json={"query": "subscription { nope }"},
                                  headers={**SSE, "authorization": live.issuer.bearer()})
        headers = {**SSE, "authorization": live.issuer.bearer()}
        async with http.stream("POST", url, json=body, headers=headers) as first:
            assert first.status_code == 200
            over = await http.post(url, json=body, headers=headers)  # one stream is the limit here
        query = await http.post(url, json={"query": "{ me { name } }"}, headers=SSE)
    assert anonymous.status_code == 401 and anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert forged.status_code == 401
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert over.status_code == 503 and over.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    # a query asked as a stream is one `next`, then `complete`
    assert query.text == 'event: next\ndata: {"data":{"me":{"name":"Ada"}}}\n\nevent: complete\ndata: \n\n'


async def test_the_stream_ends_when_its_token_expires(live: LiveFederation) -> None:
    ticket = new_ticket()
    body = {"query": MESSAGE_ADDED, "variables": {"t": ticket}}
    async with live.gateway() as gateway, httpx.AsyncClient(timeout=20) as http:
        headers = {**SSE, "authorization": live.issuer.bearer(ttl=2)}
        async with http.stream("POST", f"{gateway.url}/graphql", json=body, headers=headers) as response:
            assert response.status_code == 200
            await live.chat.wait_active(ticket, 1, timeout=15)
            ending = await Reader(response).until(b"event: complete\ndata: \n\n", timeout=20)
        await live.chat.wait_active(ticket, 0, timeout=15)
    failure = json.loads(ending.split(b"\n")[1].removeprefix(b"data: "))
    assert failure["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Token expired" in failure["errors"][0]["message"]


@pytest.mark.amqp
async def test_a_security_event_on_the_broker_ends_the_stream(live: LiveFederation, amqp_url: str) -> None:
    """The user is deactivated: RabbitMQ carries `user.deactivated` to the gateway, which ends their stream (as it
    closes their sockets 4403) and leaves another user's open."""
    exchange = f"test.streams.{uuid.uuid4().hex[:8]}"
    ticket = new_ticket()
    body = {"query": MESSAGE_ADDED, "variables": {"t": ticket}}
    connection = await aio_pika.connect(amqp_url)
    async with connection, live.gateway(amqp_url=amqp_url, events_exchange=exchange) as gateway, \
            httpx.AsyncClient(timeout=20) as http:
        await asyncio.wait_for(gateway.app.runtime.watching.wait(), 15)
        url = f"{gateway.url}/graphql"
        async with http.stream("POST", url, json=body, headers={**SSE, "authorization": live.issuer.bearer("u1")}
                               ) as ended, http.stream("POST", url, json=body, headers={
                                   **SSE, "authorization": live.issuer.bearer("u2")}) as kept:
            await live.chat.wait_active(ticket, 2, timeout=15)
            channel = await connection.channel()
            topic = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
            event = {"type": "user.deactivated", "data": {"userId": "u1"},
                     "occurredAt": datetime.now(UTC).isoformat()}
            await topic.publish(aio_pika.Message(json.dumps(event).encode()), routing_key="user.deactivated")
            ending = await Reader(ended).until(b"event: complete\ndata: \n\n", timeout=10)
            live.chat.publish(ticket, "still here", author="u2")
            still = await Reader(kept).until(b"still here", timeout=10)
        await channel.exchange_delete(exchange)
    failure = json.loads(ending.split(b"event: next\n")[-1].split(b"\n")[0].removeprefix(b"data: "))
    assert failure["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "session ended (user.deactivated)" in failure["errors"][0]["message"]
    assert b"still here" in still
