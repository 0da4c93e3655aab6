"""A live `ticketUpdated` through the gateway, completed with chat's fields while chat's read model lags: what it
says of the chat must agree with the change that triggered it."""

from __future__ import annotations

from subgraphs.tickets.ticket.live import ticket_key
from tests.integration.live_stack import eventually
from tests.subgraphs.chat.harness import ChatDesk
from tests.subgraphs.chat.test_arrival import TICKETS_CONSUMER
from tests.subgraphs.tickets.harness import Team
from tests.subgraphs.tickets.ticket.test_status import move
from tests.supergraph.ws_client import connect

UPDATED = "subscription($t: ID!) { ticketUpdated(ticketId: $t) { status canChat } }"
CAN_CHAT = "query($t: ID!) { ticket(id: $t) { status canChat } }"


async def test_a_resolved_ticket_is_never_pushed_as_chat_able(chat_desk: ChatDesk, team: Team,
                                                              gateway_url: str) -> None:
    ticket = await team.assigned()
    await chat_desk.settle()
    customer = chat_desk.through(gateway_url, team.customer)
    assert (await customer.ok(CAN_CHAT, {"t": ticket["id"]}))["ticket"] == {"status": "OPEN", "canChat": True}
    async with connect(gateway_url.replace("http://", "ws://", 1) + "/graphql") as client:
        await client.init(f"Bearer {team.customer.client.token}")
        await client.subscribe("1", UPDATED, {"t": ticket["id"]})
        tickets_live = chat_desk.tickets.runtime.state["tickets_live"]
        await eventually(lambda: tickets_live.listeners(ticket_key(ticket["id"])) == 1, what="the subscription")
        async with chat_desk.bus.held(TICKETS_CONSUMER):  # chat has not heard of the resolution yet
            await move(team.agent, ticket["id"], "RESOLVED", "Replaced the cable")
            while (pushed := (await client.receive())["payload"]["data"]["ticketUpdated"])["status"] != "RESOLVED":
                pass
            now = (await customer.ok(CAN_CHAT, {"t": ticket["id"]}))["ticket"]
    assert pushed == now == {"status": "RESOLVED", "canChat": False}
