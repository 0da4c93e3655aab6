"""Every IA root field and every field it adds to Ticket and User, probed from another company, from the wrong
roles and anonymously: each is refused with the right code, or answers nothing of the victim company; the
people who may see the data do see it (so a probe cannot pass by answering nothing to everyone)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import ObjectTypeDefinitionNode, parse

from subgraphs.ia.graphql.schema import build_schema
from tests.fixtures.users import Tenant
from tests.harness import Result
from tests.subgraphs.ia.catalogue import open_ticket
from tests.subgraphs.ia.harness import IaDesk
from tests.subgraphs.tickets.conversation.test_conversation import reply
from tests.subgraphs.tickets.harness import ASSIGN, Member
from tests.subgraphs.tickets.ticket.test_status import move

ANONYMOUS, OUTSIDER, STAFF = "anonymous", "outsider", "staff"  # STAFF: platform support of another company
CREATOR, CUSTOMER, INTERN, AGENT, ADMIN = "creator", "customer", "intern", "agent", "admin"  # of the victim company
NULL, OK, SEEN = "null", "ok", "seen"  # nothing answered; answered, nothing of the victim; the victim's data shown
F, UA = "FORBIDDEN", "UNAUTHENTICATED"
HIDDEN = {OUTSIDER: NULL, CUSTOMER: NULL, INTERN: NULL}  # callers who may not see the ticket at all


@dataclass
class World:
    company_id: str
    ticket_id: str  # T: the creator's, assigned to the Network agent, classified
    repeat_id: str  # T2: the other customer's near repeat of T (a likely duplicate of it)
    solved_id: str  # R: the creator's, resolved with a public reply, similar to T
    agent_id: str
    callers: dict[str, Member]

    def secrets(self) -> list[str]:
        return [self.ticket_id, self.solved_id]


@pytest.fixture(scope="module")
async def world(ia_desk: IaDesk) -> World:
    team, other = await ia_desk.team(), await ia_desk.team()
    solved = await open_ticket(team, team.item_id, "VPN drops at home every hour")
    await team.admin.ok(ASSIGN, {"id": solved["id"], "a": team.agent.id})
    await reply(team.agent, solved["id"], "Reinstall the VPN client from the portal.")
    await move(team.agent, solved["id"], "RESOLVED")
    ticket = await open_ticket(team, team.item_id, "The VPN disconnects every few minutes when I work from home")
    await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": team.agent.id})
    await ia_desk.settle()
    repeat = await open_ticket(team, team.item_id, "VPN keeps disconnecting every few minutes while working from home",
                               by=team.colleague)
    await ia_desk.settle()
    root = await ia_desk.platform_root()
    platform = Tenant("company_hq", "Platform HQ", "", root.person)
    callers = {OUTSIDER: other.admin, STAFF: await ia_desk.person(platform, "platform_agent"),
               CREATOR: team.customer, CUSTOMER: team.colleague, INTERN: team.intern, AGENT: team.other_agent,
               ADMIN: team.admin}
    return World(team.id, ticket["id"], repeat["id"], solved["id"], team.agent.id, callers)


def entity(typename: str, selection: str) -> str:
    representation = '[{__typename: "' + typename + '", id: $id}]'
    fragment = f"... on {typename} {{ {selection} }}"
    return f"query($id: ID!) {{ _entities(representations: {representation}) {{ {fragment} }} }}"


def first_entity(field: str) -> Callable[[dict[str, Any]], Any]:
    def pick(data: dict[str, Any]) -> Any:
        found = data["_entities"][0]
        return None if found is None else found[field]

    return pick


@dataclass(frozen=True)
class Probe:
    field: str  # a root field, or Type.field for an entity field
    document: str
    variables: Callable[[World], dict[str, Any]]
    expect: dict[str, str]
    pick: Callable[[dict[str, Any]], Any] | None = None

    def answer(self, data: dict[str, Any] | None) -> Any:
        if not data:
            return None
        return self.pick(data) if self.pick else data.get(self.field)


PROBES: tuple[Probe, ...] = (
    Probe("_service", "{ _service { sdl } }", lambda w: {}, {ANONYMOUS: OK, OUTSIDER: OK}),
    Probe("_entities", entity("Ticket", "id"), lambda w: {"id": w.ticket_id},
          {ANONYMOUS: UA, **HIDDEN, CREATOR: SEEN, AGENT: SEEN, STAFF: SEEN}),
    Probe("searchTickets", 'query { searchTickets(text: "VPN disconnects at home") { ticket { id } } }', lambda w: {},
          {ANONYMOUS: UA, OUTSIDER: OK, STAFF: OK, CUSTOMER: OK, INTERN: OK, CREATOR: SEEN, AGENT: SEEN}),
    Probe("assignmentDecisions", "query($c: ID) { assignmentDecisions(companyId: $c) { edges { node { id "
                                 "ticket { id } } } } }", lambda w: {"c": w.company_id},
          {ANONYMOUS: UA, OUTSIDER: F, STAFF: F, CREATOR: F, CUSTOMER: F, INTERN: F, AGENT: F, ADMIN: SEEN}),
    Probe("triageModel", "query($c: ID) { triageModel(companyId: $c) { companyId labelledTickets } }",
          lambda w: {"c": w.company_id},
          {ANONYMOUS: UA, OUTSIDER: F, STAFF: F, CREATOR: F, CUSTOMER: F, INTERN: F, AGENT: F, ADMIN: SEEN}),
    Probe("Ticket.classification", entity("Ticket", "classification { confidence }"), lambda w: {"id": w.ticket_id},
          {ANONYMOUS: UA, **HIDDEN, CREATOR: NULL, AGENT: SEEN, STAFF: SEEN}, first_entity("classification")),
    Probe("Ticket.similarTickets", entity("Ticket", "similarTickets { ticket { id } }"),
          lambda w: {"id": w.repeat_id},
          {ANONYMOUS: UA, OUTSIDER: NULL, INTERN: NULL, CREATOR: NULL, CUSTOMER: NULL, AGENT: SEEN, STAFF: SEEN},
          first_entity("similarTickets")),
    Probe("Ticket.suggestedReplies", entity("Ticket", "suggestedReplies { text source { id } }"),
          lambda w: {"id": w.ticket_id},
          {ANONYMOUS: UA, **HIDDEN, CREATOR: NULL, AGENT: SEEN, STAFF: SEEN}, first_entity("suggestedReplies")),
    Probe("Ticket.likelyDuplicateOf", entity("Ticket", "likelyDuplicateOf { ticket { id } }"),
          lambda w: {"id": w.repeat_id},
          {ANONYMOUS: UA, OUTSIDER: NULL, INTERN: NULL, CREATOR: NULL, CUSTOMER: NULL, AGENT: SEEN, STAFF: SEEN},
          first_entity("likelyDuplicateOf")),
    Probe("User.workload", entity("User", "workload { openTickets score }"), lambda w: {"id": w.agent_id},
          {ANONYMOUS: UA, OUTSIDER: NULL, STAFF: NULL, CREATOR: NULL, CUSTOMER: NULL, INTERN: NULL, AGENT: NULL,
           ADMIN: SEEN}, first_entity("workload")),
)

CASES = [pytest.param(probe, caller, id=f"{probe.field}-{caller}") for probe in PROBES for caller in probe.expect]


def published_fields() -> set[str]:
    """Every root field, and every field the subgraph adds to an entity, read from its SDL."""
    document = parse(build_schema().as_str())
    found = set()
    for node in document.definitions:
        if not isinstance(node, ObjectTypeDefinitionNode):
            continue
        name = node.name.value
        keyed = any(d.name.value == "key" for d in node.directives or ())
        for field in node.fields or ():
            if name == "Query":
                found.add(field.name.value)
            elif keyed and field.name.value != "id":
                found.add(f"{name}.{field.name.value}")
    return found


def test_every_field_of_the_schema_has_a_probe() -> None:
    """A new root or entity field fails here until someone says who must be refused it."""
    assert sorted(p.field for p in PROBES) == sorted(published_fields())
    for probe in PROBES:
        assert ANONYMOUS in probe.expect, f"{probe.field}: say what an anonymous caller gets"
        assert any(v != ANONYMOUS for v in probe.expect), f"{probe.field}: probe it from a signed-in caller too"


def is_empty(value: Any) -> bool:
    if isinstance(value, list):
        return all(is_empty(item) for item in value)
    return value is None or (isinstance(value, dict) and all(is_empty(v) for v in value.values()))


@pytest.mark.parametrize(("probe", "caller"), CASES)
async def test_probe(probe: Probe, caller: str, world: World, ia_desk: IaDesk) -> None:
    client = ia_desk.ia.client.as_(None) if caller == ANONYMOUS else ia_desk.ask(world.callers[caller])
    result: Result = await client(probe.document, probe.variables(world))
    expected = probe.expect[caller]
    if expected in (NULL, OK, SEEN):
        assert not result.errors, result.errors
    else:
        assert result.errors and set(result.codes) == {expected}, result.errors
        assert is_empty(probe.answer(result.data)), result.data
        return
    answer = probe.answer(result.data)
    if expected == NULL:
        assert is_empty(answer), result.data
    elif expected == OK:
        shown = json.dumps(result.data)
        assert not [i for i in world.secrets() if i in shown], f"{probe.field} shows the victim: {shown}"
    else:
        assert not is_empty(answer), f"{probe.field}: {caller} may see it, and saw nothing: {result.data}"
