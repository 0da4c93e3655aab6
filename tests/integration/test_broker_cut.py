"""The broker cut away (a TCP forwarder drops every connection to RabbitMQ and refuses new ones): mutations still
answer, none with an internal error. What they store waits in the outbox and goes out once the broker is back;
typing, which is never stored, reaches the subscribers of the same instance and is not worth failing for."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fixtures.forwarder import Forwarder
from tests.integration.live_stack import LiveStack, eventually, live_stack
from tests.subgraphs.tickets.harness import MOVE, REPLY
from tests.supergraph.ws_client import connect, listening

pytestmark = pytest.mark.amqp

MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"
TYPING = "subscription($t: ID!) { typing(ticketId: $t) { typing user { id } } }"
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
SET_TYPING = "mutation($t: ID!) { setChatTyping(ticketId: $t) }"
READ = "mutation($t: ID!) { markChatRead(ticketId: $t) { ticketId } }"


@pytest.fixture(scope="module")
async def broker(amqp_url: str) -> AsyncIterator[tuple[Forwarder, str]]:
    forwarder, url = Forwarder.to_url(amqp_url)
    await forwarder.start()
    yield forwarder, url
    await forwarder.stop()


@pytest.fixture(scope="module")
async def stack(broker: tuple[Forwarder, str], mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[LiveStack]:
    async with live_stack(broker[1], mongo_url, http, chats=1) as running:
        yield running


async def test_mutations_answer_while_the_broker_is_cut(stack: LiveStack, broker: tuple[Forwarder, str]) -> None:
    forwarder, _ = broker
    [chat] = stack.chats
    async with stack.gateway(chat) as gateway:
        desk = await stack.desk(gateway.url)
        ticket = desk.ticket["id"]
        async with connect(gateway.ws_url) as tab:
            await tab.init(f"Bearer {desk.customer.person.client.token}")
            chat_op, typing_op = await listening(tab, (MESSAGE_ADDED, {"t": ticket}), (TYPING, {"t": ticket}))
            await forwarder.cut()
            try:
                answers = {
                    "setChatTyping": await desk.agent(SET_TYPING, {"t": ticket}),
                    "sendChatMessage": await desk.agent(SEND, {"t": ticket, "x": "Cut off?"}),
                    "markChatRead": await desk.customer(READ, {"t": ticket}),
                    "addTicketComment": await desk.agent(REPLY, {"id": ticket, "i": {"body": "Working on it"}}),
                    "changeTicketStatus": await desk.agent(MOVE, {"id": ticket, "s": "IN_PROGRESS"}),
                }
                heard: dict[str, dict] = {}
                while len(heard) < 2:  # the same instance's subscribers hear both, broker or not
                    message = await tab.receive(timeout=10)
                    if message.get("id") in (chat_op, typing_op) and message["type"] == "next":
                        data = message["payload"]["data"]
                        if "typing" in data or data["messageAdded"]["text"] == "Cut off?":
                            heard[message["id"]] = data
            finally:
                await forwarder.restore()
        failures = {name: answer.errors for name, answer in answers.items() if answer.errors}
        assert not failures, failures
        assert answers["setChatTyping"].data == {"setChatTyping": True}
        assert heard[typing_op]["typing"]["typing"] is True

        async def relayed() -> bool:  # what was stored during the cut went out once the broker came back
            return all([await service.runtime.outbox.pending() == 0 for service in (stack.tickets, chat)])

        await eventually(relayed, timeout=60, what="the outboxes relayed after the cut")
