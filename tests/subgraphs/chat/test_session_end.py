"""Open sockets end with the session, through the gateway: a live chat subscription is closed 4403 within a moment
of the person signing out everywhere or being deactivated (and delivers nothing after), 4419 when their powers
change (refresh and reconnect); other people's sockets stay open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.harness import Client
from tests.integration.live_stack import eventually
from tests.subgraphs.chat.harness import ChatDesk
from tests.subgraphs.tickets.harness import Member, Team
from tests.supergraph.ws_client import ProtocolClient, connect

MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { text } }"
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"


@asynccontextmanager
async def chatting(desk: ChatDesk, gateway_url: str, member: Member, ticket_id: str
                   ) -> AsyncIterator[ProtocolClient]:
    """`member` subscribed to the ticket's chat through the gateway, listening on chat."""
    before = desk.feed.listeners(ticket_id)
    async with connect(gateway_url.replace("http://", "ws://", 1) + "/graphql") as client:
        assert (await client.init(f"Bearer {member.client.token}"))["type"] == "connection_ack"
        await client.subscribe("1", MESSAGE_ADDED, {"t": ticket_id})
        await eventually(lambda: desk.feed.listeners(ticket_id) > before, what="the subscription on chat")
        yield client


async def ticket_of(desk: ChatDesk, team: Team, customer: Member) -> str:
    ticket = await team.assigned(by=customer)
    await desk.settle()
    return str(ticket["id"])


async def test_signing_out_everywhere_closes_the_open_socket(chat_desk: ChatDesk, team: Team, gateway_url: str
                                                             ) -> None:
    customer = await chat_desk.person(team.tenant, "customer")
    ticket = await ticket_of(chat_desk, team, customer)
    async with chatting(chat_desk, gateway_url, customer, ticket) as leaving, \
            chatting(chat_desk, gateway_url, team.agent, ticket) as staying:
        out = Client(customer.client.http, gateway_url, customer.client.token)
        assert (await out("mutation { logout(everywhere: true) }")).ok() == {"logout": True}
        code, reason = await leaving.closed(timeout=5)
        assert code == 4403 and "session ended" in reason, (code, reason)
        await chat_desk.through(gateway_url, team.agent).ok(SEND, {"t": ticket, "x": "Still there?"})
        assert (await staying.receive())["payload"] == {"data": {"messageAdded": {"text": "Still there?"}}}


async def test_deactivation_closes_the_persons_sockets(chat_desk: ChatDesk, team: Team, gateway_url: str) -> None:
    customer = await chat_desk.person(team.tenant, "customer")
    ticket = await ticket_of(chat_desk, team, customer)
    async with chatting(chat_desk, gateway_url, customer, ticket) as client:
        admin = chat_desk.through(gateway_url, team.admin)
        await admin.ok("mutation($id: ID!) { deactivateUser(id: $id) { id } }", {"id": customer.id})
        code, reason = await client.closed(timeout=5)
    assert code == 4403 and "user.deactivated" in reason, (code, reason)
