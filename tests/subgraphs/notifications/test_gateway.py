"""The notifications subgraph under the gateway, composed with users: a person's inbox is part of `me`,
and nobody else's can be reached through the graph."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from supergraph.pipeline.types import GraphQLRequest
from supergraph.server.runtime import GatewayRuntime
from supergraph.server.settings import GatewaySettings
from tests.fixtures.users import Person, Tenant
from tests.subgraphs.notifications.conftest import Stack


@pytest.fixture(scope="module")
async def gateway(stack: Stack) -> AsyncIterator[GatewayRuntime]:
    listing = f"users={stack.users.url}/graphql,notifications={stack.notifications.url}/graphql"
    runtime = GatewayRuntime(GatewaySettings(subgraphs=listing, poll_interval=3600))
    await runtime.start()
    for _ in range(250):
        if runtime.gateway is not None:
            break
        await asyncio.sleep(0.02)
    assert runtime.gateway is not None, runtime.source.last_errors if runtime.source else "no supergraph"
    yield runtime
    await runtime.stop()


async def ask(gateway: GatewayRuntime, person: Person, query: str, **variables: Any) -> dict[str, Any]:
    assert gateway.gateway is not None
    headers = {"authorization": f"Bearer {person.client.token}"}
    request = GraphQLRequest(query=query, variables=variables, headers=headers)
    return (await gateway.gateway.handle(request)).body


async def test_me_carries_my_inbox_across_both_subgraphs(stack: Stack, gateway: GatewayRuntime,
                                                         tenant: Tenant) -> None:
    person = await stack.factory.person(tenant, "customer")
    await stack.known(person)
    ticket = stack.desk.ticket(tenant.id, person.id)
    await stack.desk.raise_("ticket.created", ticket, actor_id=person.id)
    await stack.settled()
    body = await ask(gateway, person, """{ me { email unreadNotificationCount
        notifications(first: 5) { totalCount edges { node { kind title read target { type id } } } } } }""")
    assert "errors" not in body, body
    me = body["data"]["me"]
    assert me["email"] == person.email and me["unreadNotificationCount"] == 1
    assert me["notifications"]["edges"] == [{"node": {
        "kind": "TICKET_CREATED", "title": f"Recibimos tu ticket {ticket['reference']}", "read": False,
        "target": {"type": "TICKET", "id": ticket["ticketId"]}}}]
    marked = await ask(gateway, person, "mutation { markAllNotificationsRead }")
    assert marked == {"data": {"markAllNotificationsRead": 1}}


async def test_a_colleagues_inbox_is_refused_through_the_graph(stack: Stack, gateway: GatewayRuntime,
                                                               tenant: Tenant) -> None:
    colleague = await stack.factory.person(tenant, "customer")
    body = await ask(gateway, tenant.admin, "query($id: ID!) { user(id: $id) { email unreadNotificationCount } }",
                     id=colleague.id)
    assert body["data"] == {"user": None} or body["data"]["user"]["unreadNotificationCount"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
