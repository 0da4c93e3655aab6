"""`notificationAdded` over graphql-transport-ws on the subgraph's /graphql: a subscriber gets their own
notifications as they arrive, and nobody else's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from subgraphs.kernel.events.envelope import Event
from tests.fixtures.users import Person, Tenant
from tests.subgraphs.notifications.conftest import Stack

SUBSCRIBE = "subscription { notificationAdded { id kind title link read target { id } } }"


@asynccontextmanager
async def connected(stack: Stack, init: dict[str, Any]) -> AsyncIterator[ClientConnection]:
    url = stack.notifications.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        yield ws


async def frame(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def next_frame_if_any(ws: ClientConnection, timeout: float = 0.5) -> dict[str, Any] | None:
    """The next frame, or None when none comes within `timeout` (after a settle: what was coming has come)."""
    try:
        return await frame(ws, timeout=timeout)
    except TimeoutError:
        return None


async def subscribed(stack: Stack, person: Person) -> AsyncIterator[ClientConnection]:
    async with connected(stack, {"authorization": f"Bearer {person.client.token}"}) as ws:
        assert (await frame(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        yield ws


async def _until_live(stack: Stack, ws: ClientConnection, tenant: Tenant, person: Person) -> None:
    """Raise notices for `person` until the first one shows: the subscription is then in place."""
    for _ in range(50):
        await stack.desk.raise_("ticket.created", stack.desk.ticket(tenant.id, person.id), actor_id=person.id)
        try:
            await frame(ws, timeout=0.3)
            break
        except TimeoutError:
            continue
    await stack.settled()
    while True:  # the warm-up's stragglers
        try:
            await frame(ws, timeout=0.3)
        except TimeoutError:
            return


async def test_a_subscriber_gets_their_own_new_notifications_only(stack: Stack, tenant: Tenant) -> None:
    me, colleague = await stack.factory.person(tenant, "customer"), await stack.factory.person(tenant, "customer")
    await stack.known(me, colleague)
    async with asynccontextmanager(subscribed)(stack, me) as ws:
        await _until_live(stack, ws, tenant, me)
        theirs = stack.desk.ticket(tenant.id, colleague.id)
        mine = stack.desk.ticket(tenant.id, me.id, title="Mine")
        await stack.desk.raise_("ticket.created", theirs, actor_id=colleague.id)
        await stack.desk.raise_("ticket.created", mine, actor_id=me.id)
        got = await frame(ws)
        assert got["type"] == "next" and got["id"] == "1"
        added = got["payload"]["data"]["notificationAdded"]
        assert added["kind"] == "TICKET_CREATED" and mine["reference"] in added["title"]
        assert added["target"] == {"id": mine["ticketId"]} and added["read"] is False
        await stack.settled()
        extra = await next_frame_if_any(ws)
        assert extra is None, f"a notification of someone else arrived: {extra}"


async def test_a_bad_token_is_refused_and_no_token_is_unauthenticated(stack: Stack) -> None:
    async with connected(stack, {"authorization": "Bearer not-a-token"}) as ws:
        try:
            await frame(ws)
        except websockets.ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code == 4403
        else:
            raise AssertionError("the connection was accepted")
    async with connected(stack, {}) as ws:
        assert (await frame(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        answer = await frame(ws)
        assert answer["type"] in ("error", "next")
        errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_notification_relayed_twice_arrives_once(stack: Stack, tenant: Tenant) -> None:
    me = await stack.factory.person(tenant, "customer")
    await stack.known(me)
    async with asynccontextmanager(subscribed)(stack, me) as ws:
        await _until_live(stack, ws, tenant, me)
        await stack.desk.raise_("ticket.created", stack.desk.ticket(tenant.id, me.id, title="Once"), actor_id=me.id)
        added = (await frame(ws))["payload"]["data"]["notificationAdded"]
        row = await stack.db["outbox"].find_one({"event.type": "notification.created", "event.data.id": added["id"]})
        # an outbox relay that died after publishing the row, before recording it, has another replica send it again
        await stack.bus.publish(Event.from_dict(row["event"]))
        await stack.settled()
        again = await next_frame_if_any(ws)
        assert again is None, f"the notification arrived twice: {again}"
