"""The tickets subgraph in the federation: its SDL, entity resolution, and queries through the gateway."""

from __future__ import annotations

from pathlib import Path

import httpx
from graphql import parse

from supergraph.composition import SubgraphSource, compose
from tests.harness import Client
from tests.subgraphs.tickets.harness import Desk
from tests.supergraph.gateway_harness import gateway_server

ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  __typename ... on Ticket { id reference creator { id } } ... on ServiceItem { id name } } }"""
THROUGH_GATEWAY = """query($id: ID!) { ticket(id: $id) {
  reference title item { name } company { id name }
  creator { id email name } assignee { email role { key } }
  comments { edges { node { body author { firstName } } } } } }"""


async def test_sdl_declares_the_entities_and_the_references(desk: Desk) -> None:
    sdl = (await desk.tickets.client("{ _service { sdl } }")).ok()["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.11"' in sdl
    assert 'type Ticket @key(fields: "id")' in sdl and 'type ServiceItem @key(fields: "id")' in sdl
    assert 'type User @key(fields: "id", resolvable: false)' in sdl
    assert 'type Company @key(fields: "id", resolvable: false)' in sdl
    parse(sdl)


async def test_entities_resolve_in_one_batch_in_order_and_only_when_visible(desk: Desk) -> None:
    team, other = await desk.team(), await desk.team()
    mine, theirs = await team.ticket(), await other.ticket()
    reps = [{"__typename": "Ticket", "id": theirs["id"]}, {"__typename": "ServiceItem", "id": team.item_id},
            {"__typename": "Ticket", "id": mine["id"]}, {"__typename": "Ticket", "id": desk.ghost()}]
    found = (await team.customer.ok(ENTITIES, {"r": reps}))["_entities"]
    assert found[0] is None and found[3] is None
    assert found[1] == {"__typename": "ServiceItem", "id": team.item_id, "name": found[1]["name"]}
    assert found[2] == {"__typename": "Ticket", "id": mine["id"], "reference": mine["reference"],
                        "creator": {"id": team.customer.id}}
    assert set((await desk.tickets.client(ENTITIES, {"r": reps})).codes) == {"UNAUTHENTICATED"}


async def test_a_ticket_with_its_people_through_the_gateway(desk: Desk, http: httpx.AsyncClient,
                                                            tmp_path: Path) -> None:
    team = await desk.team()
    ticket = await team.assigned()
    await team.agent.ok("""mutation($id: ID!) { addTicketComment(ticketId: $id, input: {body: "On it."}) {
      comment { id } } }""", {"id": ticket["id"]})
    sources = [SubgraphSource(name, f"{service.url}/graphql", (await service.client("{ _service { sdl } }")).ok()[
        "_service"]["sdl"]) for name, service in (("users", desk.users), ("tickets", desk.tickets))]
    composed = compose(sources)
    assert composed.supergraph_sdl is not None, [e.message for e in composed.errors]
    path = tmp_path / "supergraph.graphql"
    path.write_text(composed.supergraph_sdl)
    async with gateway_server(str(path)) as url:
        admin = Client(http, url, team.admin.client.token)
        seen = (await admin(THROUGH_GATEWAY, {"id": ticket["id"]})).ok()["ticket"]
    assert seen["reference"] == ticket["reference"] and seen["item"]["name"].startswith("Item ")
    assert seen["company"] == {"id": team.id, "name": team.tenant.name}
    assert seen["creator"]["id"] == team.customer.id and seen["creator"]["email"] == team.customer.person.email
    assert seen["assignee"] == {"email": team.agent.person.email, "role": {"key": "agent"}}
    assert seen["comments"]["edges"] == [{"node": {"body": "On it.", "author": {"firstName": "Agent"}}}]
