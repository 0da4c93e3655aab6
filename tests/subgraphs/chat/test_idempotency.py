"""Retried creating mutations, through the gateway: the same idempotency key returns the first result and stores
nothing new, even when the two copies race; another input under the same key is refused; no key, no change."""

from __future__ import annotations

import asyncio
import uuid

from tests.subgraphs.chat.harness import ChatDesk
from tests.subgraphs.tickets.harness import Team

SEND = """mutation($t: ID!, $x: String!, $k: String) {
  sendChatMessage(ticketId: $t, text: $x, idempotencyKey: $k) { id text } }"""
CREATE = """mutation($i: CreateTicketInput!, $k: String) { createTicket(input: $i, idempotencyKey: $k) { id } }"""
REPLY = """mutation($t: ID!, $b: String!, $k: String) {
  addTicketComment(ticketId: $t, input: {body: $b}, idempotencyKey: $k) { comment { id } ticket { commentCount } } }"""
MESSAGES = "query($t: ID!) { ticket(id: $t) { messages(first: 50) { edges { node { text } } } commentCount } }"


def key() -> str:
    return str(uuid.uuid4())


async def test_a_retried_message_is_stored_once(chat_desk: ChatDesk, team: Team, gateway_url: str) -> None:
    ticket = await team.assigned()
    await chat_desk.settle()
    customer = chat_desk.through(gateway_url, team.customer)
    sent = key()
    first = (await customer.ok(SEND, {"t": ticket["id"], "x": "Is it fixed?", "k": sent}))["sendChatMessage"]
    again = (await customer.ok(SEND, {"t": ticket["id"], "x": "Is it fixed?", "k": sent}))["sendChatMessage"]
    assert again == first
    racing = key()
    both = await asyncio.gather(*(customer.ok(SEND, {"t": ticket["id"], "x": "Hello?", "k": racing})
                                  for _ in range(2)))
    assert both[0] == both[1]
    reused = await customer(SEND, {"t": ticket["id"], "x": "Something else", "k": sent})
    assert reused.codes == ["BAD_USER_INPUT"] and reused.errors[0]["extensions"]["reason"] == "IDEMPOTENCY_KEY_REUSED"
    assert (await customer(SEND, {"t": ticket["id"], "x": "x", "k": "short"})).codes == ["BAD_USER_INPUT"]
    texts = [e["node"]["text"] for e in
             (await customer.ok(MESSAGES, {"t": ticket["id"]}))["ticket"]["messages"]["edges"]]
    assert texts.count("Is it fixed?") == 1 and texts.count("Hello?") == 1 and "Something else" not in texts


async def test_a_retried_ticket_and_comment_are_created_once(chat_desk: ChatDesk, team: Team, gateway_url: str
                                                             ) -> None:
    customer = chat_desk.through(gateway_url, team.customer)
    raised = {"i": {"itemId": team.item_id, "title": "Monitor flickers", "description": "Since Monday."}, "k": key()}
    first, again = [(await customer.ok(CREATE, raised))["createTicket"] for _ in range(2)]
    assert again == first
    mine = (await customer.ok("{ tickets { edges { node { title } } } }"))["tickets"]["edges"]
    assert [t["node"]["title"] for t in mine].count("Monitor flickers") == 1
    reply = {"t": first["id"], "b": "Here is a photo", "k": key()}
    one, two = [(await customer.ok(REPLY, reply))["addTicketComment"] for _ in range(2)]
    assert one["comment"] == two["comment"] and two["ticket"]["commentCount"] == 1
