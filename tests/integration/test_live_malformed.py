"""A message on the events exchange that is not UTF-8 JSON (a binary body under `chat.message_added`) is dropped by
every live feed with a warning naming it, not an error with a traceback, and the chat's subscribers go on hearing
the next message. (The durable consumers' queues hold the same message and dead-letter it as malformed.)"""

from __future__ import annotations

import logging

import aio_pika
import pytest

from tests.integration.live_stack import LiveStack, eventually
from tests.supergraph.ws_client import connect, listening

pytestmark = pytest.mark.amqp

MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
BINARY = bytes(range(128, 256))


async def test_a_binary_live_event_is_a_warning_and_the_feed_goes_on(stack: LiveStack,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    [chat] = stack.chats
    common = stack.settings["common"]
    async with stack.gateway(chat) as gateway:
        desk = await stack.desk(gateway.url)
        ticket = desk.ticket["id"]
        async with connect(gateway.ws_url) as tab:
            await tab.init(f"Bearer {desk.customer.person.client.token}")
            [operation] = await listening(tab, (MESSAGE_ADDED, {"t": ticket}))
            connection = await aio_pika.connect(common["amqp_url"])
            async with connection:
                channel = await connection.channel()
                exchange = await channel.get_exchange(common["events_exchange"])
                with caplog.at_level(logging.WARNING):
                    await exchange.publish(aio_pika.Message(BINARY, message_id="binary-1"),
                                           routing_key="chat.message_added")
                    await eventually(lambda: any(getattr(r, "messageId", None) == "binary-1"
                                                 for r in caplog.records), what="the warning")
            await desk.agent.ok(SEND, {"t": ticket, "x": "Still here"})
            while (message := await tab.receive(timeout=10)).get("id") != operation or \
                    message["payload"]["data"]["messageAdded"]["text"] != "Still here":
                pass
    dropped = [r for r in caplog.records if getattr(r, "messageId", None) == "binary-1"]
    assert dropped and all(r.levelno == logging.WARNING for r in dropped), dropped
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and "Unicode" in r.getMessage() + str(
        r.exc_info)], "no error with a traceback for a malformed live event"
