"""The in-app inbox over GraphQL: list with cursors and filters, unread count, mark read, delete, and the
`User` extension, which answers only for the caller."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.users import Person
from tests.harness import Client
from tests.subgraphs.notifications.conftest import Stack

LIST = """query($f: NotificationFilter, $first: Int, $after: String) {
  notifications(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id kind title body link target { type id } read readAt createdAt } } } }"""
COUNT = "{ unreadNotificationCount }"
MARK = "mutation($id: ID!, $read: Boolean) { markNotificationRead(id: $id, read: $read) { id read readAt } }"
MARK_ALL = "mutation($k: [NotificationKind!]) { markAllNotificationsRead(kinds: $k) }"
DELETE = "mutation($id: ID!) { deleteNotification(id: $id) }"
ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on User { id unreadNotificationCount notifications(first: 2) { totalCount } } } }"""


class Inbox:
    """A person with five notifications: three tickets opened, two of them moved on."""

    def __init__(self, person: Person, client: Client, tickets: list[dict[str, Any]]) -> None:
        self.person, self.client, self.tickets = person, client, tickets

    async def nodes(self, **variables: Any) -> list[dict[str, Any]]:
        result = (await self.client(LIST, variables)).ok()["notifications"]
        return [edge["node"] for edge in result["edges"]]


@pytest.fixture
async def inbox(stack: Stack) -> Inbox:
    tenant = await stack.factory.tenant()
    person = await stack.factory.person(tenant, "customer")
    await stack.known(person)
    tickets = [stack.desk.ticket(tenant.id, person.id, title=f"Ticket {n}") for n in range(3)]
    for ticket in tickets:
        await stack.desk.raise_("ticket.created", ticket, actor_id=person.id)
    # Events of different tickets are handled side by side (lanes): each change is let settle before the next, so
    # the notices are made in this order and "newest first" is known.
    await stack.settled()
    for ticket in tickets[:2]:
        await stack.desk.raise_("ticket.status_changed", {**ticket, "status": "resolved"}, actor_id=None,
                                **{"from": "open", "to": "resolved", "reason": None})
        await stack.settled()
    return Inbox(person, stack.client(person), tickets)


async def test_the_inbox_lists_newest_first_with_cursors(inbox: Inbox) -> None:
    first = (await inbox.client(LIST, {"first": 2})).ok()["notifications"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"]
    rest = (await inbox.client(LIST, {"first": 10, "after": first["pageInfo"]["endCursor"]})).ok()["notifications"]
    kinds = [e["node"]["kind"] for e in first["edges"] + rest["edges"]]
    assert kinds == ["TICKET_STATUS_CHANGED"] * 2 + ["TICKET_CREATED"] * 3
    assert not rest["pageInfo"]["hasNextPage"]
    newest = first["edges"][0]["node"]
    ticket = inbox.tickets[1]
    assert newest["target"] == {"type": "TICKET", "id": ticket["ticketId"]}
    assert newest["link"] == f"/tickets/{ticket['ticketId']}"
    assert newest["title"] == f"Tu ticket {ticket['reference']} está resuelto" and newest["read"] is False


async def test_filters_by_kind_ticket_and_read_flag(inbox: Inbox) -> None:
    created = await inbox.nodes(f={"kinds": ["TICKET_CREATED"]})
    assert len(created) == 3
    about = await inbox.nodes(f={"targetId": inbox.tickets[0]["ticketId"]})
    assert {n["kind"] for n in about} == {"TICKET_CREATED", "TICKET_STATUS_CHANGED"}
    (await inbox.client(MARK, {"id": about[0]["id"]})).ok()
    assert [n["id"] for n in await inbox.nodes(f={"read": True})] == [about[0]["id"]]
    assert len(await inbox.nodes(f={"read": False})) == 4
    assert (await inbox.client(LIST, {"first": 0})).codes == ["BAD_USER_INPUT"]


async def test_marking_read_and_unread_moves_the_unread_count(inbox: Inbox) -> None:
    assert (await inbox.client(COUNT)).ok() == {"unreadNotificationCount": 5}
    one = (await inbox.nodes())[0]["id"]
    marked = (await inbox.client(MARK, {"id": one})).ok()["markNotificationRead"]
    assert marked["read"] and marked["readAt"]
    again = (await inbox.client(MARK, {"id": one})).ok()["markNotificationRead"]
    assert again["readAt"] == marked["readAt"]  # marking twice changes nothing
    assert (await inbox.client(COUNT)).ok() == {"unreadNotificationCount": 4}
    assert (await inbox.client(MARK, {"id": one, "read": False})).ok()["markNotificationRead"]["readAt"] is None
    assert (await inbox.client(MARK_ALL, {"k": ["TICKET_STATUS_CHANGED"]})).ok() == {"markAllNotificationsRead": 2}
    assert (await inbox.client(MARK_ALL)).ok() == {"markAllNotificationsRead": 3}
    assert (await inbox.client(COUNT)).ok() == {"unreadNotificationCount": 0}


async def test_deleting_one_notification(inbox: Inbox) -> None:
    one = (await inbox.nodes())[0]["id"]
    assert (await inbox.client(DELETE, {"id": one})).ok() == {"deleteNotification": True}
    assert (await inbox.client(DELETE, {"id": one})).codes == ["NOT_FOUND"]
    assert (await inbox.client("query($id: ID!) { notification(id: $id) { id } }", {"id": one})).ok() == {
        "notification": None}
    assert len(await inbox.nodes()) == 4


async def test_the_user_entity_answers_for_the_caller_only(stack: Stack, inbox: Inbox) -> None:
    mine = (await inbox.client(ENTITIES, {"r": [{"__typename": "User", "id": inbox.person.id}]})).ok()["_entities"]
    assert mine == [{"id": inbox.person.id, "unreadNotificationCount": 5, "notifications": {"totalCount": 5}}]
    colleague = await stack.factory.person(await stack.factory.tenant(), "company_admin")
    theirs = await stack.client(colleague)(ENTITIES, {"r": [{"__typename": "User", "id": inbox.person.id}]})
    assert theirs.codes == ["FORBIDDEN"] and theirs.data == {"_entities": [None]}
