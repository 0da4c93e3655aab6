"""End to end with the real tickets service: people made in users, tickets worked in tickets, and the
notices that reach each person, over one event bus as in embedded mode."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.notifications import store
from subgraphs.notifications.service import DEFINITION as NOTIFICATIONS
from subgraphs.tickets.service import DEFINITION as TICKETS
from subgraphs.users.service import DEFINITION as USERS
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, sign_in
from tests.harness import RunningService, start_service
from tests.subgraphs.notifications.conftest import FAST
from tests.subgraphs.notifications.mailserver import MailServer
from tests.subgraphs.tickets.harness import ASSIGN, MOVE, REPLY, Desk, Member, Team


class Helpdesk(Desk):
    """The tickets test desk, with a notifications service and a mail server beside it."""

    notifications: RunningService
    mail: MailServer

    async def told(self, member: Member) -> set[tuple[str, str]]:
        """(channel, kind) of every ticket notice delivered to `member`, once every event is handled."""
        await self.settle()
        await self.bus.drain()
        db = self.notifications.runtime.db
        mails = await db[store.MAIL].find({"recipientId": member.id, "kind": {"$ne": "welcome"}}).to_list(None)
        notes = await db[store.NOTIFICATIONS].find({"recipientId": member.id}).to_list(None)
        return {("email", m["kind"]) for m in mails} | {("in_app", n["kind"]) for n in notes}


@pytest.fixture(scope="module")
async def helpdesk(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
                   ) -> AsyncIterator[Helpdesk]:
    bus = InProcessBus()
    await bus.start()
    mail = MailServer().start()
    users = await start_service(USERS, mongo_url=mongo_url, http=http, bus=bus, admin_email=ROOT_EMAIL,
                                admin_password=ROOT_PASSWORD, **FAST_HASH)
    jwks = f"{users.url}/.well-known/jwks.json"
    tickets = await start_service(TICKETS, mongo_url=mongo_url, http=http, bus=bus, auth_jwks_url=jwks,
                                  data_dir=tmp_path_factory.mktemp("tickets"), sla_scan_interval_seconds=3600)
    notifications = await start_service(NOTIFICATIONS, mongo_url=mongo_url, http=http, bus=bus, auth_jwks_url=jwks,
                                        smtp_url=mail.url, **FAST)
    root = await sign_in(users.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)
    desk = Helpdesk(users, tickets, bus, root)
    desk.notifications, desk.mail = notifications, mail
    yield desk
    for service in (notifications, tickets, users):
        await service.stop()
    await bus.close()
    mail.stop()


@pytest.fixture
async def team(helpdesk: Helpdesk) -> Team:
    return await helpdesk.team()


BOTH = lambda kind: {("email", kind), ("in_app", kind)}  # noqa: E731


async def test_a_ticket_lifecycle_tells_each_person_what_concerns_them(helpdesk: Helpdesk, team: Team) -> None:
    ticket = await team.ticket()
    assert await helpdesk.told(team.customer) == BOTH("ticket_created")

    await team.admin.ok(ASSIGN, {"id": ticket["id"], "a": team.agent.id})
    assert await helpdesk.told(team.agent) == BOTH("ticket_assigned")
    assert await helpdesk.told(team.customer) == BOTH("ticket_created") | BOTH("ticket_assigned")

    await team.agent.ok(REPLY, {"id": ticket["id"], "i": {"body": "Restart the router, please",
                                                          "mentionIds": [team.other_agent.id]}})
    await team.agent.ok(REPLY, {"id": ticket["id"], "i": {"body": "Looks like the ISP", "internal": True}})
    await team.agent.ok(MOVE, {"id": ticket["id"], "s": "IN_PROGRESS", "r": None})
    assert await helpdesk.told(team.customer) == (BOTH("ticket_created") | BOTH("ticket_assigned")
                                                  | BOTH("ticket_commented") | BOTH("ticket_status_changed"))
    # Mentioned in a public reply, the other agent follows the ticket: the internal note then reaches them too.
    assert await helpdesk.told(team.other_agent) == BOTH("ticket_mentioned") | BOTH("ticket_commented")
    [note] = await helpdesk.mail.mailbox.wait_for(team.other_agent.person.email, "ticket_commented")
    assert "Looks like the ISP" in note.part("plain") and "Nota interna" in note.message["Subject"]
    assert await helpdesk.told(team.agent) == BOTH("ticket_assigned")  # nothing of what they did themself
    assert await helpdesk.told(team.colleague) == set() and await helpdesk.told(team.intern) == set()

    [reply] = await helpdesk.mail.mailbox.wait_for(team.customer.person.email, "ticket_commented")
    assert "Restart the router, please" in reply.part("plain") and "ISP" not in reply.part("plain")
    [mention] = await helpdesk.mail.mailbox.wait_for(team.other_agent.person.email, "ticket_mentioned")
    assert "Restart the router, please" in mention.part("plain")


async def test_a_delegation_tells_the_intern_and_the_tutor(helpdesk: Helpdesk, team: Team) -> None:
    ticket = await team.assigned()
    await team.admin.ok("mutation($id: ID!, $i: ID!) { delegateTicket(id: $id, internId: $i) { id } }",
                        {"id": ticket["id"], "i": team.intern.id})
    assert await helpdesk.told(team.intern) == BOTH("ticket_delegated")
    assert BOTH("ticket_delegated") <= await helpdesk.told(team.agent)
