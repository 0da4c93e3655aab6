"""Every tickets-subgraph operation, probed from another company, from the wrong roles and anonymously.

Each probe must be refused with the right code (or, for a read, answer null or nothing of the victim)
and must leave the victim company exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from graphql import ObjectTypeDefinitionNode, parse

from subgraphs.tickets.graphql.schema import build_schema
from tests.fixtures.users import Tenant
from tests.harness import Result
from tests.subgraphs.tickets.conversation.test_conversation import reply
from tests.subgraphs.tickets.harness import Desk, Member, item_input
from tests.subgraphs.tickets.ticket.test_creation import PNG, b64
from tests.subgraphs.tickets.ticket.test_status import move

ANONYMOUS, OUTSIDER, STAFF = "anonymous", "outsider", "staff"  # STAFF: platform support (reads all, changes little)
CREATOR, CUSTOMER, INTERN, AGENT = "creator", "customer", "intern", "agent"  # of the victim company; none works T
NULL, OK = "null", "ok"
F, NF, UA, BAD = "FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED", "BAD_USER_INPUT"
UNSEEN = {ANONYMOUS: UA, OUTSIDER: NF, CUSTOMER: NF, INTERN: NF}  # a ticket they may not even see
COMPANY_ADMIN_ONLY = {ANONYMOUS: UA, OUTSIDER: F, CUSTOMER: F, AGENT: F, STAFF: F}


@dataclass
class World:
    """The victim company, its tickets, and the people who try to reach them."""

    company_id: str
    reference: str  # T's
    ticket_id: str  # T: the creator's, assigned to the Network agent, watched by a colleague, with a reply and a note
    other_id: str  # T2: another open ticket of the creator's
    linked_id: str  # T3: related to T
    resolved_id: str  # R: resolved, rated by nobody yet
    item_id: str
    reply_id: str
    note_id: str
    watcher_id: str
    intern_id: str
    other_agent_id: str
    callers: dict[str, Member]
    root: Member  # who takes the snapshots
    seen: dict[str, Any] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return [self.ticket_id, self.other_id, self.linked_id, self.resolved_id, self.reply_id, self.note_id]


SNAPSHOT = """query($t: ID!, $t2: ID!, $t3: ID!, $r: ID!, $i: ID!, $c: ID!) {
  %s
  item: serviceItem(id: $i) { name active priority form { key } }
  items: serviceItems(companyId: $c, filter: {includeInactive: true}) { id }
  paged: serviceItemPage(companyId: $c, filter: {includeInactive: true}, first: 100) { totalCount }
  desk: deskSettings(companyId: $c) { customised autoAssign calendar { timezone } }
  all: tickets(companyId: $c, first: 100) { totalCount } }"""
TICKET_SNAPSHOT = """%s: ticket(id: $%s) { title status priority category tags holdReason assignee { id } tutor { id }
  watchers { id } commentCount attachments { name } rating { score } related { id } parent { id } mergedInto { id }
  comments(first: 20) { edges { node { body deleted } } } history(first: 100) { totalCount } }"""


async def snapshot(root: Member, world: World) -> dict[str, Any]:
    tickets = "".join(TICKET_SNAPSHOT % (alias, alias) for alias in ("t", "t2", "t3", "r"))
    return await root.ok(SNAPSHOT % tickets, {"t": world.ticket_id, "t2": world.other_id, "t3": world.linked_id,
                                              "r": world.resolved_id, "i": world.item_id, "c": world.company_id})


@pytest.fixture(scope="module")
async def world(desk: Desk) -> World:
    team, other = await desk.team(), await desk.team()
    watcher = await desk.person(team.tenant, "customer")
    await desk.settle()
    ticket = await team.assigned(watcherIds=[watcher.id], title="Victim ticket")
    second, linked = await team.ticket(title="Second"), await team.ticket(title="Linked")
    resolved = await team.assigned(title="Resolved")
    await move(team.agent, resolved["id"], "RESOLVED")
    answer = (await reply(team.agent, ticket["id"], "We are looking."))["comment"]
    note = (await reply(team.agent, ticket["id"], "Router again.", internal=True))["comment"]
    await team.agent.ok("mutation($a: ID!, $b: ID!) { linkTickets(id: $a, otherId: $b, kind: RELATED) { id } }",
                        {"a": ticket["id"], "b": linked["id"]})
    root = await desk.platform_root()
    platform = Tenant("company_hq", "Platform HQ", "", root.person)
    callers = {OUTSIDER: other.admin, STAFF: await desk.person(platform, "platform_agent"), CREATOR: team.customer,
               CUSTOMER: team.colleague, INTERN: team.intern, AGENT: team.other_agent}
    created = World(team.id, ticket["reference"], ticket["id"], second["id"], linked["id"], resolved["id"],
                    team.item_id, answer["id"], note["id"], watcher.id, team.intern.id, team.other_agent.id, callers,
                    root)
    created.seen.update(await snapshot(root, created))
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


def no_vars(_: World) -> dict[str, Any]:
    return {}


PROBES: tuple[Probe, ...] = (
    # --- queries -------------------------------------------------------------------------------------------------
    Probe("_entities", """query($r: [_Any!]!) { _entities(representations: $r) {
            ... on Ticket { id title } ... on ServiceItem { id name } } }""",
          lambda w: {"r": [{"__typename": "Ticket", "id": w.ticket_id},
                           {"__typename": "ServiceItem", "id": w.item_id}]},
          {ANONYMOUS: UA, OUTSIDER: NULL}),
    Probe("_service", "{ _service { sdl } }", no_vars, {ANONYMOUS: OK, OUTSIDER: OK}),
    Probe("ticket", "query($id: ID!) { ticket(id: $id) { id title } }", lambda w: {"id": w.ticket_id},
          {ANONYMOUS: UA, OUTSIDER: NULL, CUSTOMER: NULL, INTERN: NULL}),
    Probe("ticketByReference", "query($r: String!) { ticketByReference(reference: $r) { id } }",
          lambda w: {"r": w.reference},
          {ANONYMOUS: UA, OUTSIDER: NULL, CUSTOMER: NULL, INTERN: NULL}),
    Probe("tickets", "query($c: ID) { tickets(companyId: $c) { totalCount edges { node { id } } } }",
          lambda w: {"c": w.company_id}, {ANONYMOUS: UA, OUTSIDER: F, CUSTOMER: OK, INTERN: OK}),
    Probe("serviceItem", "query($id: ID!) { serviceItem(id: $id) { id name } }", lambda w: {"id": w.item_id},
          {ANONYMOUS: UA, OUTSIDER: NULL}),
    Probe("serviceItems", "query($c: ID) { serviceItems(companyId: $c) { id } }", lambda w: {"c": w.company_id},
          {ANONYMOUS: UA, OUTSIDER: F}),
    Probe("serviceItemPage", "query($c: ID) { serviceItemPage(companyId: $c) { totalCount edges { node { id } } } }",
          lambda w: {"c": w.company_id}, {ANONYMOUS: UA, OUTSIDER: F}),
    Probe("deskSettings", "query($c: ID) { deskSettings(companyId: $c) { autoAssign } }",
          lambda w: {"c": w.company_id}, {ANONYMOUS: UA, OUTSIDER: F}),
    Probe("ticketStats", "query($c: ID) { ticketStats(companyId: $c) { byStatus { status count } } }",
          lambda w: {"c": w.company_id},
          {ANONYMOUS: UA, OUTSIDER: F, CREATOR: F, CUSTOMER: F, INTERN: F, AGENT: F, STAFF: F}),
    # --- catalogue and desk --------------------------------------------------------------------------------------
    Probe("createServiceItem", "mutation($c: ID, $i: ServiceItemInput!) { createServiceItem(companyId: $c,"
                               " input: $i) { id } }",
          lambda w: {"c": w.company_id, "i": item_input()}, COMPANY_ADMIN_ONLY),
    Probe("updateServiceItem", "mutation($id: ID!, $i: ServiceItemInput!) { updateServiceItem(id: $id, input: $i)"
                               " { id } }",
          lambda w: {"id": w.item_id, "i": item_input(name="Hijacked", active=False)},
          {ANONYMOUS: UA, OUTSIDER: NF, CUSTOMER: F, AGENT: F, STAFF: F}),
    Probe("importServiceItems", "mutation($c: ID, $i: [ServiceItemInput!]!) { importServiceItems(companyId: $c,"
                                " items: $i) { createdCount } }",
          lambda w: {"c": w.company_id, "i": [item_input()]}, COMPANY_ADMIN_ONLY),
    Probe("updateDeskSettings", "mutation($c: ID) { updateDeskSettings(companyId: $c, input: {autoAssign: true})"
                                " { autoAssign } }",
          lambda w: {"c": w.company_id}, COMPANY_ADMIN_ONLY),
    # --- tickets -------------------------------------------------------------------------------------------------
    Probe("createTicket", "mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }",
          lambda w: {"i": {"itemId": w.item_id, "title": "Mine now", "description": "d"}},
          {ANONYMOUS: UA, OUTSIDER: BAD}),
    Probe("updateTicket", "mutation($id: ID!) { updateTicket(id: $id, input: {title: \"Hijacked\", priority: LOW})"
                          " { id } }",
          lambda w: {"id": w.ticket_id}, {**UNSEEN, CREATOR: F}),
    Probe("addTicketAttachments", "mutation($id: ID!, $a: [AttachmentInput!]!) { addTicketAttachments(id: $id,"
                                  " attachments: $a) { id } }",
          lambda w: {"id": w.ticket_id, "a": [{"name": "evil.png", "contentBase64": b64(PNG)}]}, UNSEEN),
    Probe("watchTicket", "mutation($id: ID!) { watchTicket(id: $id) { id } }", lambda w: {"id": w.ticket_id},
          UNSEEN),
    Probe("unwatchTicket", "mutation($id: ID!, $u: ID) { unwatchTicket(id: $id, userId: $u) { id } }",
          lambda w: {"id": w.ticket_id, "u": w.watcher_id}, UNSEEN),
    Probe("changeTicketStatus", "mutation($id: ID!) { changeTicketStatus(id: $id, status: CANCELLED) { id } }",
          lambda w: {"id": w.ticket_id}, {**UNSEEN, AGENT: F, STAFF: F}),
    Probe("assignTicket", "mutation($id: ID!, $a: ID!) { assignTicket(id: $id, assigneeId: $a) { id } }",
          lambda w: {"id": w.ticket_id, "a": w.other_agent_id}, {**UNSEEN, CREATOR: F, STAFF: F}),
    Probe("unassignTicket", "mutation($id: ID!) { unassignTicket(id: $id) { id } }", lambda w: {"id": w.ticket_id},
          {**UNSEEN, CREATOR: F, STAFF: F}),
    Probe("delegateTicket", "mutation($id: ID!, $i: ID!) { delegateTicket(id: $id, internId: $i) { id } }",
          lambda w: {"id": w.ticket_id, "i": w.intern_id}, {**UNSEEN, CREATOR: F, AGENT: F, STAFF: F}),
    Probe("rateTicket", "mutation($id: ID!) { rateTicket(id: $id, score: 1, comment: \"bad\") { id } }",
          lambda w: {"id": w.resolved_id}, {**UNSEEN, AGENT: F, STAFF: F}),
    # --- conversation --------------------------------------------------------------------------------------------
    Probe("addTicketComment", "mutation($id: ID!) { addTicketComment(ticketId: $id, input: {body: \"psst\","
                              " internal: true}) { comment { id } } }",
          lambda w: {"id": w.ticket_id}, {**UNSEEN, CREATOR: F}),
    Probe("editTicketComment", "mutation($id: ID!) { editTicketComment(id: $id, body: \"Hijacked\") { id } }",
          lambda w: {"id": w.reply_id}, {**UNSEEN, CREATOR: F, AGENT: F, STAFF: F}),
    Probe("deleteTicketComment", "mutation($id: ID!) { deleteTicketComment(id: $id) { id } }",
          lambda w: {"id": w.note_id}, {**UNSEEN, CREATOR: NF, AGENT: F, STAFF: F}),
    # --- links ---------------------------------------------------------------------------------------------------
    Probe("mergeTickets", "mutation($p: ID!, $d: ID!) { mergeTickets(primaryId: $p, duplicateId: $d) { id } }",
          lambda w: {"p": w.ticket_id, "d": w.other_id}, {**UNSEEN, CREATOR: F, STAFF: F}),
    Probe("linkTickets", "mutation($id: ID!, $o: ID!) { linkTickets(id: $id, otherId: $o, kind: PARENT) { id } }",
          lambda w: {"id": w.other_id, "o": w.ticket_id}, {**UNSEEN, CREATOR: F, STAFF: F}),
    Probe("unlinkTickets", "mutation($id: ID!, $o: ID!) { unlinkTickets(id: $id, otherId: $o) { id } }",
          lambda w: {"id": w.ticket_id, "o": w.linked_id}, {**UNSEEN, CREATOR: F, STAFF: F}),
)

CASES = [pytest.param(probe, caller, id=f"{probe.id}-{caller}") for probe in PROBES for caller in probe.expect]


def root_fields() -> set[str]:
    """Every query and mutation the subgraph publishes, read from its SDL."""
    document = parse(build_schema().as_str())
    return {f.name.value for node in document.definitions
            if isinstance(node, ObjectTypeDefinitionNode) and node.name.value in ("Query", "Mutation")
            for f in node.fields or ()}


def test_every_operation_of_the_schema_has_a_probe() -> None:
    """A new query or mutation fails here until someone says who must be refused it."""
    assert sorted(p.field for p in PROBES) == sorted(root_fields())
    for probe in PROBES:
        assert ANONYMOUS in probe.expect, f"{probe.id}: say what an anonymous caller gets"
        assert any(c != ANONYMOUS for c in probe.expect), f"{probe.id}: probe it from a signed-in caller too"


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(item is None for item in value))


@pytest.mark.parametrize(("probe", "caller"), CASES)
async def test_probe_cannot_reach_the_victim(probe: Probe, caller: str, world: World, desk: Desk) -> None:
    client = desk.tickets.client.as_(None) if caller == ANONYMOUS else world.callers[caller].client
    result: Result = await client(probe.document, probe.variables(world))
    expected = probe.expect[caller]
    if expected in (NULL, OK):
        assert not result.errors, result.errors
    else:
        assert result.errors and set(result.codes) == {expected}, result.errors
    answer = (result.data or {}).get(probe.field)
    if expected == OK:
        shown = json.dumps(result.data)
        assert not [i for i in world.ids() if i in shown], f"{probe.id} shows the victim: {shown}"
    else:
        assert is_empty(answer), result.data
    assert await snapshot(world.root, world) == world.seen
