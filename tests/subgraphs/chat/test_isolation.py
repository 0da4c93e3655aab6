"""Every chat root field (queries, mutations and subscriptions), probed anonymously, from another company and
from the victim company's people who take no part in the ticket.

Each probe must be refused with the right code (or, for a read, answer null or nothing of the victim)
and must leave the victim's chat exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from graphql import ObjectTypeDefinitionNode, parse

from subgraphs.chat.graphql.schema import build_schema
from tests.fixtures.users import Tenant
from tests.subgraphs.chat.harness import ChatDesk, b64, sent
from tests.subgraphs.chat.test_messages import ticket_for
from tests.subgraphs.tickets.harness import Member
from tests.subgraphs.tickets.ticket.test_creation import PNG
from tests.supergraph.ws_client import connect

ANONYMOUS, OUTSIDER, STAFF = "anonymous", "outsider", "staff"  # STAFF: platform support (reads every ticket)
CREATOR, CUSTOMER, INTERN, AGENT = "creator", "customer", "intern", "agent"  # of the victim company
NULL, OK = "null", "ok"
F, NF, UA = "FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED"
# Those who may not even know the ticket exists, and the agent who sees it but takes no part in it.
STRANGERS = {ANONYMOUS: UA, OUTSIDER: NF, STAFF: NF, CUSTOMER: NF, INTERN: NF, AGENT: F}


@dataclass
class World:
    """The victim company, its ticket's chat, and the people who try to reach it."""

    company_id: str
    ticket_id: str  # T: the creator's, assigned to the Network agent, watched by a colleague, with two messages
    agent_message_id: str
    creator_message_id: str
    callers: dict[str, Member]
    root: Member  # who takes the snapshots
    desk: ChatDesk
    seen: dict[str, Any] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return [self.agent_message_id, self.creator_message_id]


SNAPSHOT = """query($t: ID!, $c: ID) {
  policy: chatPolicy(companyId: $c) { readableStatuses writableStatuses customised }
  _entities(representations: [{__typename: "Ticket", id: $t}]) { ... on Ticket {
    chatReceipts { user { id } lastReadMessageId }
    messages(first: 100) { totalCount edges { node { id text deleted editedAt file { url } } } } } } }"""


async def snapshot(world: World) -> dict[str, Any]:
    shown = await world.desk.talk(world.root)(SNAPSHOT, {"t": world.ticket_id, "c": world.company_id})
    events = await world.desk.chat.runtime.db["outbox"].count_documents({"event.companyId": world.company_id})
    return {**shown.ok(), "events": events}


@pytest.fixture(scope="module")
async def world(chat_desk: ChatDesk) -> World:
    team, other = await chat_desk.team(), await chat_desk.team()
    watcher = await chat_desk.person(team.tenant, "customer")
    await chat_desk.settle()
    ticket = await ticket_for(chat_desk, team, watcherIds=[watcher.id])
    agent_message = await sent(chat_desk, team.agent, ticket["id"], "Agent says")
    creator_message = await sent(chat_desk, team.customer, ticket["id"], "Creator says")
    root = await chat_desk.platform_root()
    platform = Tenant("company_hq", "Platform HQ", "", root.person)
    callers = {OUTSIDER: other.admin, STAFF: await chat_desk.person(platform, "platform_agent"),
               CREATOR: team.customer, CUSTOMER: team.colleague, INTERN: team.intern, AGENT: team.other_agent}
    await chat_desk.settle()
    created = World(team.id, ticket["id"], agent_message["id"], creator_message["id"], callers, root, chat_desk)
    created.seen.update(await snapshot(created))
    return created


@dataclass(frozen=True)
class Probe:
    field: str
    document: str
    variables: Callable[[World], dict[str, Any]]
    expect: dict[str, str]

    @property
    def id(self) -> str:
        return self.field

    @property
    def live(self) -> bool:
        return self.document.lstrip().startswith("subscription")


def on_ticket(w: World) -> dict[str, Any]:
    return {"t": w.ticket_id}


PROBES: tuple[Probe, ...] = (
    # --- queries -------------------------------------------------------------------------------------------------
    Probe("_entities", """query($t: ID!) { _entities(representations: [{__typename: "Ticket", id: $t}]) {
            ... on Ticket { unreadCount chatReceipts { lastReadMessageId } messages { edges { node { id text } } } }
          } }""", on_ticket,
          {ANONYMOUS: UA, OUTSIDER: NULL, STAFF: NULL, CUSTOMER: NULL, INTERN: NULL, AGENT: OK}),
    Probe("_service", "{ _service { sdl } }", lambda w: {}, {ANONYMOUS: OK, OUTSIDER: OK}),
    Probe("chatPolicy", "query($c: ID) { chatPolicy(companyId: $c) { writableStatuses } }",
          lambda w: {"c": w.company_id}, {ANONYMOUS: UA, OUTSIDER: F, STAFF: F, CUSTOMER: OK}),
    Probe("chatMessage", "query($m: ID!) { chatMessage(id: $m) { id text } }", lambda w: {"m": w.agent_message_id},
          {ANONYMOUS: UA, OUTSIDER: NULL, STAFF: NULL, CUSTOMER: NULL, INTERN: NULL, AGENT: NULL}),
    # --- mutations -----------------------------------------------------------------------------------------------
    Probe("sendChatMessage", "mutation($t: ID!) { sendChatMessage(ticketId: $t, text: \"psst\") { id } }", on_ticket,
          STRANGERS),
    Probe("sendChatFile", "mutation($t: ID!, $i: ChatFileInput!) { sendChatFile(ticketId: $t, input: $i) { id } }",
          lambda w: {"t": w.ticket_id, "i": {"name": "evil.png", "contentBase64": b64(PNG)}}, STRANGERS),
    Probe("editChatMessage", "mutation($m: ID!) { editChatMessage(id: $m, text: \"Hijacked\") { id } }",
          lambda w: {"m": w.agent_message_id}, {**STRANGERS, AGENT: NF, CREATOR: F}),
    Probe("deleteChatMessage", "mutation($m: ID!) { deleteChatMessage(id: $m) { id } }",
          lambda w: {"m": w.agent_message_id}, {**STRANGERS, AGENT: NF, CREATOR: F}),
    Probe("markChatRead", "mutation($t: ID!) { markChatRead(ticketId: $t) { lastReadMessageId } }", on_ticket,
          STRANGERS),
    Probe("setChatTyping", "mutation($t: ID!) { setChatTyping(ticketId: $t) }", on_ticket, STRANGERS),
    Probe("updateChatPolicy", """mutation($c: ID) { updateChatPolicy(companyId: $c, input: {readableStatuses: [OPEN],
            writableStatuses: []}) { customised } }""", lambda w: {"c": w.company_id},
          {ANONYMOUS: UA, OUTSIDER: F, STAFF: F, CREATOR: F, CUSTOMER: F, AGENT: F}),
    Probe("resetChatPolicy", "mutation($c: ID) { resetChatPolicy(companyId: $c) { customised } }",
          lambda w: {"c": w.company_id}, {ANONYMOUS: UA, OUTSIDER: F, STAFF: F, CREATOR: F, CUSTOMER: F, AGENT: F}),
    # --- subscriptions -------------------------------------------------------------------------------------------
    Probe("messageAdded", "subscription($t: ID!) { messageAdded(ticketId: $t) { id text } }", on_ticket, STRANGERS),
    Probe("typing", "subscription($t: ID!) { typing(ticketId: $t) { typing } }", on_ticket, STRANGERS),
    Probe("readReceipt", "subscription($t: ID!) { readReceipt(ticketId: $t) { lastReadMessageId } }", on_ticket,
          STRANGERS),
)

CASES = [pytest.param(probe, caller, id=f"{probe.id}-{caller}") for probe in PROBES for caller in probe.expect]


def root_fields() -> set[str]:
    """Every query, mutation and subscription the subgraph publishes, read from its SDL."""
    document = parse(build_schema().as_str())
    return {f.name.value for node in document.definitions
            if isinstance(node, ObjectTypeDefinitionNode) and node.name.value in ("Query", "Mutation", "Subscription")
            for f in node.fields or ()}


def test_every_operation_of_the_schema_has_a_probe() -> None:
    """A new root field fails here until someone says who must be refused it."""
    assert sorted(p.field for p in PROBES) == sorted(root_fields())
    for probe in PROBES:
        assert ANONYMOUS in probe.expect, f"{probe.id}: say what an anonymous caller gets"
        assert any(c != ANONYMOUS for c in probe.expect), f"{probe.id}: probe it from a signed-in caller too"


async def over_websocket(desk: ChatDesk, token: str | None, probe: Probe, variables: dict[str, Any]
                         ) -> tuple[dict[str, Any] | None, list[str]]:
    """A subscription's first answer: its data, and the codes of its errors."""
    async with connect(desk.ws_url) as client:
        await client.init(f"Bearer {token}" if token else None)
        await client.subscribe("1", probe.document, variables)
        answer = await client.receive()
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"].get("errors") or []
    data = answer["payload"].get("data") if answer["type"] == "next" else None
    return data, [e.get("extensions", {}).get("code") for e in errors]


@pytest.mark.parametrize(("probe", "caller"), CASES)
async def test_probe_cannot_reach_the_victim(probe: Probe, caller: str, world: World, chat_desk: ChatDesk) -> None:
    member = None if caller == ANONYMOUS else world.callers[caller]
    variables = probe.variables(world)
    if probe.live:
        data, codes = await over_websocket(chat_desk, member.client.token if member else None, probe, variables)
    else:
        client = chat_desk.talk(member) if member else chat_desk.chat.client.as_(None)
        result = await client(probe.document, variables)
        data, codes = result.data, result.codes
    expected = probe.expect[caller]
    if expected in (NULL, OK):
        assert not codes, codes
    else:
        assert codes and set(codes) == {expected}, (codes, data)
    answer = (data or {}).get(probe.field)
    if expected == OK:
        shown = json.dumps(data)
        assert not [i for i in world.ids() if i in shown], f"{probe.id} shows the victim: {shown}"
    else:
        assert answer is None or (isinstance(answer, list) and all(a is None for a in answer)), data
    assert await snapshot(world) == world.seen
