"""Preferences per person, kind and channel: defaults on, honoured by every delivery, security mail locked on."""

from __future__ import annotations

from typing import Any

from tests.fixtures.users import Tenant
from tests.harness import Client
from tests.subgraphs.notifications.conftest import Stack

PREFERENCES = "{ notificationPreferences { kind description channels { channel enabled mandatory } } }"
UPDATE = """mutation($c: [NotificationPreferenceInput!]!) {
  updateNotificationPreferences(changes: $c) { kind channels { channel enabled mandatory } } }"""
RESET = "mutation($c: String, $e: String!) { requestPasswordReset(input: {accessCode: $c, email: $e}) }"


def channels(preferences: list[dict[str, Any]], kind: str) -> dict[str, tuple[bool, bool]]:
    [found] = [p for p in preferences if p["kind"] == kind]
    return {c["channel"]: (c["enabled"], c["mandatory"]) for c in found["channels"]}


async def test_defaults_are_on_and_security_mail_is_locked(stack: Stack, tenant: Tenant) -> None:
    preferences = (await stack.client(tenant.admin)(PREFERENCES)).ok()["notificationPreferences"]
    assert len(preferences) == 15
    assert channels(preferences, "TICKET_COMMENTED") == {"IN_APP": (True, False), "EMAIL": (True, False)}
    assert channels(preferences, "PASSWORD_RESET") == {"EMAIL": (True, True)}


async def test_each_channel_is_honoured_for_the_person_who_chose_it(stack: Stack, tenant: Tenant) -> None:
    picky, other = await stack.factory.person(tenant, "customer"), await stack.factory.person(tenant, "customer")
    await stack.known(picky, other)
    changed = (await stack.client(picky)(UPDATE, {"c": [
        {"kind": "TICKET_CREATED", "channel": "EMAIL", "enabled": False},
        {"kind": "TICKET_STATUS_CHANGED", "channel": "IN_APP", "enabled": False},
        {"kind": "TICKET_ASSIGNED", "channel": "IN_APP", "enabled": False},
        {"kind": "TICKET_ASSIGNED", "channel": "EMAIL", "enabled": False},
    ]})).ok()["updateNotificationPreferences"]
    assert channels(changed, "TICKET_CREATED") == {"IN_APP": (True, False), "EMAIL": (False, False)}

    for person in (picky, other):
        ticket = stack.desk.ticket(tenant.id, person.id, assigneeId=tenant.admin.id)
        created = await stack.desk.raise_("ticket.created", ticket, actor_id=person.id)
        moved = await stack.desk.raise_("ticket.status_changed", ticket, actor_id=tenant.admin.id,
                                        **{"from": "open", "to": "in_progress", "reason": None})
        assigned = await stack.desk.raise_("ticket.assigned", ticket, actor_id=tenant.admin.id)
        await stack.settled()
        got = [await stack.deliveries(e.id) for e in (created, moved, assigned)]
        if person is picky:
            assert got == [{("in_app", person.id, "ticket_created")}, {("email", person.id, "ticket_status_changed")},
                           set()]
        else:  # the other customer kept the defaults
            assert got == [{(c, person.id, k) for c in ("in_app", "email")}
                           for k in ("ticket_created", "ticket_status_changed", "ticket_assigned")]


async def test_security_mail_cannot_be_switched_off_and_is_sent_anyway(stack: Stack, tenant: Tenant) -> None:
    person = await stack.factory.person(tenant, "customer")
    client = stack.client(person)
    refused = await client(UPDATE, {"c": [{"kind": "TICKET_RATED", "channel": "EMAIL", "enabled": False},
                                          {"kind": "PASSWORD_RESET", "channel": "EMAIL", "enabled": False}]})
    assert refused.codes == ["BAD_USER_INPUT"] and "cannot be switched off" in refused.errors[0]["message"]
    # Nothing of a refused change is kept, not even its harmless part.
    assert channels((await client(PREFERENCES)).ok()["notificationPreferences"], "TICKET_RATED")["EMAIL"][0]
    no_inbox = await client(UPDATE, {"c": [{"kind": "WELCOME", "channel": "IN_APP", "enabled": True}]})
    assert no_inbox.codes == ["BAD_USER_INPUT"] and "never sent by in_app" in no_inbox.errors[0]["message"]
    assert (await client(UPDATE, {"c": []})).codes == ["BAD_USER_INPUT"]

    (await Client(stack.users.client.http, stack.users.url)(RESET, {"c": tenant.access_code, "e": person.email})).ok()
    await stack.mailbox.wait_for(person.email, "password_reset")
