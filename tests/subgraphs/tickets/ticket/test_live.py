"""Live tickets (graphql-transport-ws on the tickets subgraph): one ticket as it changes, and the queue;
each subscriber sees what a query would show them, another company nothing, ever."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from subgraphs.kernel.events.broadcast import LiveFeed
from tests.subgraphs.tickets.harness import ASSIGN, Desk, Member
from tests.subgraphs.tickets.ticket.test_status import move
from tests.supergraph.live_chat import eventually
from tests.supergraph.ws_client import ProtocolClient, connect

UPDATED = "subscription($t: ID!) { ticketUpdated(ticketId: $t) { id status assignee { id } } }"
QUEUE = "subscription { ticketsChanged { id title status } }"
UNWATCH = "mutation($id: ID!, $u: ID) { unwatchTicket(id: $id, userId: $u) { id } }"


def feed(desk: Desk) -> LiveFeed:
    return desk.tickets.runtime.state["tickets_live"]


@contextlib.asynccontextmanager
async def subscribed(desk: Desk, member: Member | None, query: str, variables: dict[str, Any] | None = None,
                     key: tuple[str, str] | None = None) -> AsyncIterator[ProtocolClient]:
    """`member` subscribed on the tickets service; with `key`, returns once the subscription listens for it."""
    before = feed(desk).listeners(key) if key else 0
    async with connect(desk.tickets.url.replace("http://", "ws://", 1) + "/graphql") as client:
        await client.init(f"Bearer {member.client.token}" if member else None)
        await client.subscribe("1", query, variables)
        if key:
            await eventually(lambda: feed(desk).listeners(key) > before)
        yield client


def data(message: dict[str, Any], field: str) -> Any:
    assert message["type"] == "next" and "errors" not in message["payload"], message
    return message["payload"]["data"][field]


async def arrival(client: ProtocolClient, field: str, wanted: Any) -> Any:
    """The first result showing what `wanted` says; the creation may still be on its way when one subscribes."""
    while not wanted(found := data(await client.receive(), field)):
        pass
    return found


async def test_a_ticket_arrives_after_each_change(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket()
    async with subscribed(desk, team.customer, UPDATED, {"t": ticket["id"]}, ("ticket", ticket["id"])) as client:
        await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": team.agent.id})
        assigned = await arrival(client, "ticketUpdated", lambda t: t["assignee"])
        await move(team.agent, ticket["id"], "IN_PROGRESS")
        # the assignment may announce more than one update (one per event it wrote) before the move's arrives
        started = await arrival(client, "ticketUpdated", lambda t: t["status"] != "OPEN")
    assert assigned == {"id": ticket["id"], "status": "OPEN", "assignee": {"id": team.agent.id}}
    assert started["status"] == "IN_PROGRESS"


async def test_a_ticket_one_may_not_see_cannot_be_followed(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    ticket = await team.ticket()
    for member, code in ((team.colleague, "NOT_FOUND"), (other.admin, "NOT_FOUND"), (None, "UNAUTHENTICATED")):
        async with subscribed(desk, member, UPDATED, {"t": ticket["id"]}) as client:
            refused = await client.receive()
        assert code in str(refused), refused


async def test_a_follower_who_may_no_longer_see_the_ticket_is_let_go(desk: Desk) -> None:
    team = await desk.team()
    ticket = await team.ticket(watcherIds=[team.colleague.id])
    async with subscribed(desk, team.colleague, UPDATED, {"t": ticket["id"]}, ("ticket", ticket["id"])) as client:
        await team.customer.ok(UNWATCH, {"id": ticket["id"], "u": team.colleague.id})
        while (message := await client.receive())["type"] == "next":  # the creation may still be on its way
            pass
        assert message == {"id": "1", "type": "complete"}


async def test_the_queue_shows_each_subscriber_what_they_may_see(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    company = ("company", team.id)
    async with subscribed(desk, team.agent, QUEUE, key=company) as agent, \
            subscribed(desk, team.customer, QUEUE, key=company) as customer, \
            subscribed(desk, other.agent, QUEUE, key=("company", other.id)) as outsider:
        colleagues = await team.ticket(by=team.colleague, title="Colleague's")
        own = await team.ticket(title="Customer's own")
        assert data(await agent.receive(), "ticketsChanged")["id"] == colleagues["id"]  # agents see the whole queue
        assert data(await agent.receive(), "ticketsChanged")["id"] == own["id"]
        assert data(await customer.receive(), "ticketsChanged")["id"] == own["id"]  # the colleague's never came
        theirs = await other.ticket(title="Other company's")
        assert data(await outsider.receive(), "ticketsChanged")["id"] == theirs["id"]  # and nothing before it
        await customer.silent(0.2)



async def test_a_ticket_that_does_not_exist_is_not_found_through_the_gateway(desk: Desk, gateway_url: str) -> None:
    """Over graphql-transport-ws through the gateway: one result with the NOT_FOUND error, then complete."""
    team = await desk.team()
    async with connect(gateway_url.replace("http://", "ws://", 1) + "/graphql") as client:
        await client.init(f"Bearer {team.customer.client.token}")
        for n, missing in enumerate(("6a0000000000000000000fff", "not-an-id")):
            await client.subscribe(str(n), UPDATED, {"t": missing})
            answer = await client.receive()
            assert answer["type"] == "next" and answer["payload"]["data"] is None, answer
            assert [e["extensions"]["code"] for e in answer["payload"]["errors"]] == ["NOT_FOUND"], answer
            assert await client.receive() == {"id": str(n), "type": "complete"}
