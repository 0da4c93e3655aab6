"""Notifications fixtures: the users and notifications services on one in-process bus, a real SMTP
server, factories for tenants and people, and a stand-in that raises ticket events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.notifications import store
from subgraphs.notifications.service import DEFINITION as NOTIFICATIONS
from subgraphs.users.service import DEFINITION as USERS
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, Factory, Person, Tenant, sign_in
from tests.harness import Client, RunningService, eventually, start_service
from tests.harness import settle as settle_events
from tests.subgraphs.notifications.desk import Desk
from tests.subgraphs.notifications.mailserver import Mailbox, MailServer

# Small delays keep the suite fast; the behaviour is the same as with production's.
FAST: dict[str, Any] = {"event_retry_delay_ms": 50, "mail_retry_delay_ms": 50, "mail_poll_interval_ms": 20,
        "chat_unread_delay_seconds": 0.4}


@dataclass
class Stack:
    users: RunningService
    notifications: RunningService
    bus: InProcessBus
    mail: MailServer
    factory: Factory
    desk: Desk

    @property
    def mailbox(self) -> Mailbox:
        return self.mail.mailbox

    @property
    def db(self) -> Any:
        return self.notifications.runtime.db

    def client(self, person: Person) -> Client:
        """`person`, signed in, talking to the notifications subgraph."""
        return Client(self.notifications.client.http, self.notifications.url, person.client.token)

    async def known(self, *people: Person) -> None:
        """Wait until the notifications service has heard of `people` (their user.created events)."""
        ids = [p.id for p in people]

        async def all_there() -> bool:
            return await self.db[store.PEOPLE].count_documents({"_id": {"$in": ids}}) == len(ids)

        await eventually(all_there, what="people synced")

    async def settled(self) -> None:
        """Every event published so far is handled (and every mail it queued is out of the queue)."""

        async def sent() -> bool:
            return await self.db[store.MAIL].count_documents({"status": {"$nin": ["sent", "failed"]}}) == 0

        await settle_events(self.bus, (), also=sent, what="mail queue empty")

    async def deliveries(self, source_id: str) -> set[tuple[str, str, str]]:
        """(channel, recipient, kind) of everything an event (or batch) delivered."""
        mails = await self.db[store.MAIL].find({"sourceId": source_id}).to_list(None)
        notes = await self.db[store.NOTIFICATIONS].find({"sourceId": source_id}).to_list(None)
        return ({("email", m["recipientId"] or m["to"], m["kind"]) for m in mails}
                | {("in_app", n["recipientId"], n["kind"]) for n in notes})


@pytest.fixture(scope="session")
async def stack(mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[Stack]:
    mail = MailServer().start()
    bus = InProcessBus()
    await bus.start()
    users = await start_service(USERS, mongo_url=mongo_url, http=http, bus=bus, admin_email=ROOT_EMAIL,
                                admin_password=ROOT_PASSWORD, **FAST_HASH)
    notifications = await start_service(NOTIFICATIONS, mongo_url=mongo_url, http=http, bus=bus, smtp_url=mail.url,
                                        auth_jwks_url=f"{users.url}/.well-known/jwks.json", **FAST)
    root = await sign_in(users.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)
    yield Stack(users, notifications, bus, mail, Factory(root), Desk(bus))
    await notifications.stop()
    await users.stop()
    await bus.close()
    mail.stop()


@pytest.fixture
async def tenant(stack: Stack) -> Tenant:
    return await stack.factory.tenant()
