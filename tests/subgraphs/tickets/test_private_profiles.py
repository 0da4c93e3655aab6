"""A person's private profile fields (every `User` field the users subgraph marks Private) are shown by one rule,
whichever path reached the person: the root `user(id:)`, a ticket's watchers through the gateway, or the users
subgraph's `_entities` called directly. Probed for every role of the company and from another company."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType

from subgraphs.users.service import DEFINITION as USERS
from tests.subgraphs.tickets.harness import Desk, Member, Team

PRIVATE_MARK = "Private:"
CONTACT = {"email", "phone", "jobTitle", "lastLoginAt"}  # private whatever the schema says


def private_fields() -> list[str]:
    """Read from the users schema itself, so a field marked private later is probed too."""
    user = USERS.build_schema()._schema.type_map["User"]
    assert isinstance(user, GraphQLObjectType)
    marked = {name for name, f in user.fields.items() if (f.description or "").startswith(PRIVATE_MARK)}
    return sorted(marked | CONTACT)


PRIVATE = private_fields()
SELECTION = "id name " + " ".join(PRIVATE)
WATCHED = "mutation($i: CreateTicketInput!) { createTicket(input: $i) { watchers { " + SELECTION + " } } }"
ROOT = "query($id: ID!) { user(id: $id) { " + SELECTION + " } }"
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { " + SELECTION + " } } }"
UPDATE = "mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }"


def test_the_schema_marks_the_private_fields() -> None:
    assert {"language", "skills", "careGroups", "status", "createdAt", "updatedAt"} <= set(PRIVATE)


def shown(user: dict[str, Any] | None) -> set[str]:
    return {f for f in PRIVATE if user and user.get(f) is not None}


@pytest.mark.parametrize("role", ["customer", "colleague", "intern", "agent", "admin", "outsider_admin"])
async def test_private_fields_follow_the_root_querys_rule_on_every_path(desk: Desk, gateway_url: str,
                                                                        role: str) -> None:
    team: Team = await desk.team()
    other: Team = await desk.team()
    victim = team.colleague  # a customer of the company, with a phone and job title on file
    await desk.through(gateway_url, team.admin).ok(UPDATE, {"id": victim.id, "i": {"phone": "+34 600 000 000",
                                                                                "jobTitle": "Controller"}})
    caller: Member = {"customer": team.customer, "colleague": team.colleague, "intern": team.intern,
                      "agent": team.agent, "admin": team.admin, "outsider_admin": other.admin}[role]
    through = desk.through(gateway_url, caller)
    root = await through(ROOT, {"id": victim.id})
    may_read = bool(root.data and root.data.get("user"))  # the root query's rule: yourself, or users.read
    expected = set(PRIVATE) if may_read else set()

    entities = await desk.users.client.as_(caller.client.token)(
        ENTITIES, {"r": [{"__typename": "User", "id": victim.id}]})
    [entity] = entities.ok()["_entities"]
    assert shown(entity) == expected, (role, entity)
    if role == "outsider_admin":
        assert entity is None
        return
    assert entity["name"]  # the person is known by name to everyone of the company
    if role == "customer":  # a customer opening a ticket that the victim watches
        ticket = await through.ok(WATCHED, {"i": {"itemId": team.item_id, "title": "Printer", "description": "Jam",
                                                  "watcherIds": [victim.id]}})
        [watcher] = ticket["createTicket"]["watchers"]
        assert shown(watcher) == expected and watcher["name"], (role, watcher)
