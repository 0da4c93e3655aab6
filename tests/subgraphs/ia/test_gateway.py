"""The IA subgraph under the gateway, composed with users and tickets: a ticket's classification, its similar
tickets and an agent's workload come through one query, and nothing of them to those who may not see them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from supergraph.pipeline.types import GraphQLRequest
from supergraph.server.runtime import GatewayRuntime
from supergraph.server.settings import GatewaySettings
from tests.subgraphs.ia.catalogue import catalogue, open_ticket
from tests.subgraphs.ia.harness import IaDesk
from tests.subgraphs.tickets.harness import Member

TICKET = """query($id: ID!) { ticket(id: $id) { reference title category needsReview
  classification { category { value source } confidence needsReview applied }
  similarTickets(limit: 3) { similarity likelyDuplicate ticket { id reference title creator { id } } }
  assignee { id } } }"""
SEARCH = """query($t: String!) { searchTickets(text: $t, limit: 3) { similarity ticket { reference title } } }"""


@pytest.fixture(scope="module")
async def gateway(ia_desk: IaDesk) -> AsyncIterator[GatewayRuntime]:
    listing = ",".join(f"{s.runtime.name}={s.url}/graphql" for s in (ia_desk.users, ia_desk.tickets, ia_desk.ia))
    runtime = GatewayRuntime(GatewaySettings(subgraphs=listing, poll_interval=3600,
                                             auth_jwks_url=f"{ia_desk.users.url}/.well-known/jwks.json"))
    await runtime.start()
    for _ in range(250):
        if runtime.gateway is not None:
            break
        await asyncio.sleep(0.02)
    assert runtime.gateway is not None, runtime.source.last_errors if runtime.source else "no supergraph"
    yield runtime
    await runtime.stop()


async def ask(gateway: GatewayRuntime, member: Member, query: str, **variables: Any) -> dict[str, Any]:
    assert gateway.gateway is not None
    headers = {"authorization": f"Bearer {member.client.token}"}
    return (await gateway.gateway.handle(GraphQLRequest(query=query, variables=variables, headers=headers))).body


async def test_a_tickets_triage_and_similar_tickets_through_the_gateway(ia_desk: IaDesk,
                                                                       gateway: GatewayRuntime) -> None:
    team = await ia_desk.team()
    found = await catalogue(ia_desk, team)
    first = await open_ticket(team, found.generic, "The printer on the second floor jams on every page")
    await ia_desk.settle()
    second = await open_ticket(team, found.generic, "Printer on the second floor jams on each page",
                               by=team.colleague)
    await ia_desk.settle()
    body = await ask(gateway, team.agent, TICKET, id=second["id"])
    assert "errors" not in body, body
    ticket = body["data"]["ticket"]
    assert ticket["category"] == "Printing" and ticket["needsReview"] is False  # applied by the tickets service
    assert ticket["classification"]["category"] == {"value": "Printing", "source": "CATALOGUE"}
    assert ticket["classification"]["applied"] is True
    [similar] = [s for s in ticket["similarTickets"] if s["ticket"]["id"] == first["id"]]
    assert similar["likelyDuplicate"] and similar["ticket"]["reference"] == first["reference"]
    assert similar["ticket"]["creator"] == {"id": team.customer.id}  # the tickets subgraph completes the reference
    body = await ask(gateway, team.agent, SEARCH, t="paper stuck in the printer")
    assert body["data"]["searchTickets"][0]["ticket"]["title"].startswith(("The printer", "Printer"))


async def test_the_customer_sees_their_ticket_without_the_desks_view(ia_desk: IaDesk, gateway: GatewayRuntime
                                                                     ) -> None:
    team = await ia_desk.team()
    mine = await open_ticket(team, team.item_id, "The VPN disconnects every few minutes")
    await open_ticket(team, team.item_id, "VPN disconnects every few minutes", by=team.colleague)
    await ia_desk.settle()
    body = await ask(gateway, team.customer, TICKET, id=mine["id"])
    assert "errors" not in body, body
    ticket = body["data"]["ticket"]
    assert ticket["reference"] == mine["reference"]
    assert ticket["classification"] is None and ticket["similarTickets"] == []
    other = await ia_desk.team()
    body = await ask(gateway, other.admin, TICKET, id=mine["id"])
    assert body["data"] == {"ticket": None}
