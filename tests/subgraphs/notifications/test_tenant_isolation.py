"""Every notifications operation, probed by people who must not reach the victim's inbox: anonymous
callers, another company's admin, a colleague, the victim's own company admin and platform staff.

Each probe must be refused with the right code, or answer as if the victim's data did not exist, and
leave the victim's inbox, preferences and mail exactly as they were.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import ObjectTypeDefinitionNode, parse

from subgraphs.kernel.ids import new_id
from subgraphs.notifications import store
from subgraphs.notifications.graphql.schema import build_schema
from tests.fixtures.users import Person, Tenant
from tests.harness import Client, Result
from tests.subgraphs.notifications.conftest import Stack
from tests.subgraphs.notifications.test_subscription import SUBSCRIBE, connected, frame, next_frame_if_any

ANONYMOUS, OUTSIDER, COLLEAGUE, ADMIN, STAFF, ROOT = "anonymous", "outsider", "colleague", "admin", "staff", "root"
NULL, OK, ALLOWED = "null", "ok", "allowed"  # null answer; allowed but shows nothing of the victim; allowed to see
F, NF, UA = "FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED"
EVERYONE_ELSE = (OUTSIDER, COLLEAGUE, ADMIN, STAFF, ROOT)


def each(outcome: str, *, anonymous: str = UA, **overrides: str) -> dict[str, str]:
    return {ANONYMOUS: anonymous, **dict.fromkeys(EVERYONE_ELSE, outcome), **overrides}


@dataclass(frozen=True)
class World:
    victim: Person
    tenant: Tenant
    notification_id: str
    people: dict[str, Person]

    def ids(self) -> list[str]:
        return [self.victim.id, self.notification_id]

    def ghost(self) -> World:
        return dataclasses.replace(self, victim=dataclasses.replace(self.victim, id=new_id()),
                                   notification_id=new_id())


@dataclass(frozen=True)
class Probe:
    field: str
    document: str
    variables: Callable[[World], dict[str, Any]]
    expect: dict[str, str]
    name: str = ""

    @property
    def id(self) -> str:
        return self.name or self.field


def none(_: World) -> dict[str, Any]:
    return {}


PROBES: tuple[Probe, ...] = (
    Probe("_entities", "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id "
                       "unreadNotificationCount notifications { edges { node { id title } } } } } }",
          lambda w: {"r": [{"__typename": "User", "id": w.victim.id}]}, each(F)),
    Probe("_service", "{ _service { sdl } }", none, each(OK, anonymous=OK)),
    Probe("notifications", "{ notifications(first: 100) { totalCount edges { node { id title } } } }", none, each(OK)),
    Probe("notification", "query($id: ID!) { notification(id: $id) { id title } }",
          lambda w: {"id": w.notification_id}, each(NULL)),
    Probe("unreadNotificationCount", "{ unreadNotificationCount }", none, each(OK)),
    Probe("notificationPreferences", "{ notificationPreferences { kind channels { channel enabled } } }", none,
          each(OK)),
    Probe("mailDeliveries", "query($c: ID) { mailDeliveries(companyId: $c) { edges { node { id to subject } } } }",
          lambda w: {"c": w.tenant.id}, each(F, admin=ALLOWED, root=ALLOWED)),
    Probe("mailDeliveries", "{ mailDeliveries { edges { node { id to recipient { id } } } } }", none,
          each(OK, colleague=F, staff=F, admin=ALLOWED), name="mailDeliveries-own-company"),
    Probe("markNotificationRead", "mutation($id: ID!) { markNotificationRead(id: $id) { id read } }",
          lambda w: {"id": w.notification_id}, each(NF)),
    Probe("markAllNotificationsRead", "mutation { markAllNotificationsRead }", none, each(OK)),
    Probe("deleteNotification", "mutation($id: ID!) { deleteNotification(id: $id) }",
          lambda w: {"id": w.notification_id}, each(NF)),
    Probe("updateNotificationPreferences", """mutation { updateNotificationPreferences(changes: [
            {kind: TICKET_CREATED, channel: EMAIL, enabled: false}]) { kind } }""", none, each(OK)),
    Probe("notificationAdded", SUBSCRIBE, none, {ANONYMOUS: UA, OUTSIDER: OK, COLLEAGUE: OK, ADMIN: OK}),
)
CASES = [pytest.param(probe, caller, id=f"{probe.id}-{caller}") for probe in PROBES for caller in probe.expect]


def root_fields() -> set[str]:
    document = parse(build_schema().as_str())
    return {field.name.value for node in document.definitions if isinstance(node, ObjectTypeDefinitionNode)
            and node.name.value in ("Query", "Mutation", "Subscription") for field in node.fields or ()}


def test_every_operation_of_the_schema_has_a_probe() -> None:
    """A new root field fails here until someone says who must be refused it."""
    assert {p.field for p in PROBES} == root_fields()


@pytest.fixture(scope="module")
async def world(stack: Stack) -> World:
    tenant, elsewhere = await stack.factory.tenant(), await stack.factory.tenant()
    victim = await stack.factory.person(tenant, "customer")
    platform = Tenant("company_hq", "Platform HQ", "", stack.factory.root)
    people = {OUTSIDER: elsewhere.admin, COLLEAGUE: await stack.factory.person(tenant, "customer"),
              ADMIN: tenant.admin, STAFF: await stack.factory.person(platform, "platform_agent"),
              ROOT: stack.factory.root}
    await stack.known(victim, *[p for k, p in people.items() if k != ROOT])
    ticket = stack.desk.ticket(tenant.id, victim.id)
    event = await stack.desk.raise_("ticket.created", ticket, actor_id=victim.id)
    await stack.settled()
    [note] = await stack.db[store.NOTIFICATIONS].find({"sourceId": event.id}).to_list(None)
    return World(victim, tenant, note["_id"], people)


async def victim_state(stack: Stack, world: World) -> dict[str, Any]:
    seen = (await stack.client(world.victim)("""{ unreadNotificationCount
        notifications(first: 100) { edges { node { id read readAt } } }
        notificationPreferences { kind channels { channel enabled } } }""")).ok()
    seen["mail"] = await stack.db[store.MAIL].count_documents({"companyId": world.tenant.id})
    return seen


def client_of(stack: Stack, world: World, caller: str) -> Client:
    if caller == ANONYMOUS:
        return Client(stack.notifications.client.http, stack.notifications.url)
    return stack.client(world.people[caller])


@pytest.mark.parametrize(("probe", "caller"), CASES)
async def test_probe_cannot_reach_the_victim(stack: Stack, world: World, probe: Probe, caller: str) -> None:
    if probe.field == "notificationAdded":  # raises a notice for the victim on purpose: see that it stays theirs
        await _subscription_probe(stack, world, caller)
        return
    before = await victim_state(stack, world)
    result = await client_of(stack, world, caller)(probe.document, probe.variables(world))
    _check(result, probe, probe.expect[caller], world)
    if caller == OUTSIDER:  # the answer about the victim is the answer about nobody: no existence oracle
        ghost = await client_of(stack, world, caller)(probe.document, probe.variables(world.ghost()))
        assert ghost.codes == result.codes
    assert await victim_state(stack, world) == before


def _check(result: Result, probe: Probe, expected: str, world: World) -> None:
    if expected in (NULL, OK, ALLOWED):
        assert not result.errors, result.errors
    else:
        assert result.errors and set(result.codes) == {expected}, result.errors
    value = (result.data or {}).get(probe.field)
    if expected == NULL or expected not in (OK, ALLOWED):
        assert value is None or value == [None], result.data
    elif expected == OK:
        shown = json.dumps(result.data)
        assert not [i for i in world.ids() if i in shown], f"{probe.id} shows the victim: {shown}"


async def _subscription_probe(stack: Stack, world: World, caller: str) -> None:
    token = {} if caller == ANONYMOUS else {"authorization": f"Bearer {world.people[caller].client.token}"}
    async with connected(stack, token) as ws:
        assert (await frame(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        if caller == ANONYMOUS:
            answer = await frame(ws)
            errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
            assert [e["extensions"]["code"] for e in errors] == [UA]
            return
        await asyncio.sleep(0.3)  # in place by now; a late start could only hide a leak, not fake one
        ticket = stack.desk.ticket(world.tenant.id, world.victim.id)
        await stack.desk.raise_("ticket.created", ticket, actor_id=world.victim.id)
        await stack.settled()
        leaked = await next_frame_if_any(ws)
        assert leaked is None, f"{caller} saw {leaked}"
