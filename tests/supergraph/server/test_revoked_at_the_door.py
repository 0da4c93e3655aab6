"""A token a security event made stale is refused when it opens a socket or a stream, not only closed when it
already had one: the gateway remembers what the events on the broker revoked (sessions, users, roles, companies)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aio_pika
import httpx
import pytest

from supergraph.server.session_ends import PublishedEvent, Revocations
from tests.harness import eventually
from tests.supergraph.gateway_harness import RunningGateway
from tests.supergraph.live_federation import MESSAGE_ADDED, LiveFederation, new_ticket
from tests.supergraph.ws_client import connect

pytestmark = pytest.mark.amqp


@asynccontextmanager
async def gateway_on_the_broker(live: LiveFederation, amqp_url: str
                                ) -> AsyncIterator[tuple[RunningGateway, aio_pika.abc.AbstractExchange]]:
    exchange = f"test.door.{uuid.uuid4().hex[:8]}"
    connection = await aio_pika.connect(amqp_url)
    async with connection, live.gateway(amqp_url=amqp_url, events_exchange=exchange) as gateway:
        await asyncio.wait_for(gateway.app.runtime.watching.wait(), 15)
        channel = await connection.channel()
        topic = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        try:
            yield gateway, topic
        finally:
            await channel.exchange_delete(exchange)


async def _publish(gateway: RunningGateway, topic: aio_pika.abc.AbstractExchange, kind: str, data: dict,
                   seconds_ago: float = 2.0) -> None:
    occurred = datetime.fromtimestamp(time.time() - seconds_ago, UTC).isoformat()
    heard = len(gateway.app.runtime.revocations)
    body = json.dumps({"type": kind, "data": data, "occurredAt": occurred}).encode()
    await topic.publish(aio_pika.Message(body), routing_key=kind)
    await eventually(lambda: len(gateway.app.runtime.revocations) > heard, what=f"the gateway hearing {kind}")


async def _opening(gateway: RunningGateway, bearer: str) -> dict | tuple[int | None, str | None]:
    async with connect(gateway.ws_url) as client:
        await client.send({"type": "connection_init", "payload": {"authorization": bearer}})
        try:
            return await client.receive()
        except Exception:
            return await client.closed()


async def test_a_revoked_session_cannot_open_a_socket_or_a_stream(live: LiveFederation, amqp_url: str) -> None:
    earlier = int(time.time()) - 10
    async with gateway_on_the_broker(live, amqp_url) as (gateway, topic):
        revoked = live.issuer.bearer("u1", sid="s-revoked", iat=earlier)
        other_session = live.issuer.bearer("u1", sid="s-other", iat=earlier)
        await _publish(gateway, topic, "user.session_revoked", {"userId": "u1", "sessionId": "s-revoked"})
        after = live.issuer.bearer("u1", sid="s-revoked")  # signed in again since: a new token
        refused = await _opening(gateway, revoked)
        kept = await _opening(gateway, other_session)
        again = await _opening(gateway, after)
        async with httpx.AsyncClient(timeout=20) as http:
            stream = await http.post(f"{gateway.url}/graphql", json={"query": MESSAGE_ADDED,
                                                                     "variables": {"t": new_ticket()}},
                                     headers={"accept": "text/event-stream", "authorization": revoked})
    assert refused == (4403, "Forbidden: the session ended (user.session_revoked)")
    assert kept == again == {"type": "connection_ack"}
    assert stream.status_code == 403 and stream.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_changed_role_makes_earlier_tokens_stale_and_a_suspended_company_ends_them(
        live: LiveFederation, amqp_url: str) -> None:
    earlier = int(time.time()) - 10
    async with gateway_on_the_broker(live, amqp_url) as (gateway, topic):
        await _publish(gateway, topic, "user.updated", {"userId": "u7", "changed": ["roleId"]})
        stale = await _opening(gateway, live.issuer.bearer("u7", sid="s7", iat=earlier))
        await _publish(gateway, topic, "company.suspended", {"companyId": "c9"})
        suspended = await _opening(gateway, live.issuer.bearer("u8", company="c9", sid="s8", iat=earlier))
        untouched = await _opening(gateway, live.issuer.bearer("u8", company="c1", sid="s9", iat=earlier))
    assert stale == (4419, "Token stale: refresh it and reconnect (user.updated)")
    assert suspended == (4403, "Forbidden: the session ended (company.suspended)")
    assert untouched == {"type": "connection_ack"}


def test_what_is_remembered_is_bounded_in_time_and_count() -> None:
    now = time.time()
    revocations = Revocations(horizon=60, size=3)
    for number in range(5):
        revocations.record(PublishedEvent("user.deactivated", {"userId": f"u{number}"},
                                          datetime.fromtimestamp(now, UTC)))
    assert len(revocations) == 3  # the oldest two went first
    assert revocations.stale({"sub": "u0"}, now - 1) is None
    assert revocations.stale({"sub": "u4"}, now - 1) == (4403, "Forbidden: the session ended (user.deactivated)")
    assert revocations.stale({"sub": "u4"}, now + 1) is None  # a token issued since is not stale
    revocations.record(PublishedEvent("user.deactivated", {"userId": "u9"}, datetime.fromtimestamp(now - 120, UTC)))
    assert revocations.stale({"sub": "u9"}, now - 200) is None  # older than the horizon: no token lives that long
