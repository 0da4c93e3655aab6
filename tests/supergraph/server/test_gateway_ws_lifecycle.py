"""A slow client is closed with 1008 instead of slowing the others; shutdown closes every
socket with 1001 and ends the upstream subscriptions."""

from __future__ import annotations

import asyncio

from tests.supergraph.live_federation import LiveFederation, eventually, new_ticket
from tests.supergraph.ws_client import connect

TEXT_ONLY = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"
EVENTS, SIZE = 60, 100_000  # 6 MB: more than loopback socket buffers hold for a client not reading


async def test_a_slow_consumer_is_closed_1008_and_the_others_get_everything(live: LiveFederation) -> None:
    ticket, authorization = new_ticket(), live.issuer.bearer()
    async with live.gateway(ws_send_queue=8) as gateway, \
            connect(gateway.ws_url) as fast, connect(gateway.ws_url, max_queue=1) as slow:
        await fast.init(authorization)
        await slow.init(authorization)
        await fast.subscribe("1", TEXT_ONLY, {"t": ticket})
        await slow.subscribe("1", TEXT_ONLY, {"t": ticket})  # shares the feed with the fast one
        await live.chat.wait_active(ticket, 1)
        for number in range(EVENTS):
            live.chat.publish(ticket, f"{number:04d}" + "x" * SIZE)
        received = [(await fast.receive())["payload"]["data"]["messageAdded"]["text"][:4] for _ in range(EVENTS)]
        assert received == [f"{number:04d}" for number in range(EVENTS)]
        code, reason = await slow.closed(timeout=10)  # now it reads: what was sent, then the close
        assert (code, reason) == (1008, "Slow consumer: more than 8 messages were waiting")
        live.chat.publish(ticket, "still here")
        assert (await fast.receive())["payload"]["data"]["messageAdded"]["text"] == "still here"


async def test_shutdown_closes_every_socket_1001(live: LiveFederation) -> None:
    ticket = new_ticket()
    async with live.gateway() as gateway, connect(gateway.ws_url) as subscribed, connect(gateway.ws_url) as idle:
        await subscribed.init(live.issuer.bearer())
        await subscribed.subscribe("1", TEXT_ONLY, {"t": ticket})
        await live.chat.wait_active(ticket, 1)
        stopping = asyncio.create_task(gateway.stop())
        assert await subscribed.closed() == (1001, "The gateway is shutting down")
        assert await idle.closed() == (1001, "The gateway is shutting down")
        await stopping
        await eventually(lambda: live.chat.active(ticket) == 0)
