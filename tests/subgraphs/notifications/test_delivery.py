"""Mail delivery through the running service: retries with backoff while the SMTP server refuses or is
away, each delivery's status visible over GraphQL, permanent refusals given up on, and the .eml
outbox when no SMTP server is configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.ids import new_id
from subgraphs.notifications import store
from subgraphs.notifications.service import DEFINITION as NOTIFICATIONS
from tests.fixtures.users import Tenant, unique
from tests.harness import Client, RunningService, eventually, start_service
from tests.subgraphs.notifications.conftest import FAST, Stack
from tests.subgraphs.notifications.mailserver import MailServer

DELIVERIES = """query($f: MailDeliveryFilter) { mailDeliveries(filter: $f, first: 50) { totalCount edges { node {
  id kind to subject language status attempts lastError nextAttemptAt sentAt recipient { id } } } } }"""


@dataclass
class Post:
    """A notifications service of its own, with its own bus and SMTP server, so outages here disturb nobody."""

    service: RunningService
    bus: InProcessBus
    mail: MailServer
    tenant: Tenant
    admin: Client

    async def reset_requested(self, email: str, user_id: str = "u-1") -> Event:
        event = Event(type="password.reset_requested", company_id=self.tenant.id, actor_id=None, data={
            "userId": user_id, "email": email, "firstName": "Rita", "language": "en",
            "resetUrl": "http://app.test/reset-password?token=abc", "expiresAt": "2026-03-02T10:00:00+00:00",
            "requestedFrom": "10.0.0.1"})
        await self.bus.publish(event)
        return event

    async def rows(self, event: Event) -> list[dict[str, Any]]:
        return await self.service.runtime.db[store.MAIL].find({"sourceId": event.id}).to_list(None)

    async def statuses(self) -> dict[str, dict[str, Any]]:
        found = (await self.admin(DELIVERIES, {"f": {"kind": "PASSWORD_RESET"}})).ok()["mailDeliveries"]
        return {edge["node"]["to"]: edge["node"] for edge in found["edges"]}


async def _post(stack: Stack, mongo_url: str, http: httpx.AsyncClient, **settings: Any) -> Post:
    mail = MailServer().start()
    bus = InProcessBus()
    await bus.start()
    service = await start_service(NOTIFICATIONS, mongo_url=mongo_url, http=http, bus=bus,
                                  auth_jwks_url=f"{stack.users.url}/.well-known/jwks.json",
                                  **{**FAST, "smtp_url": mail.url, "mail_max_attempts": 8, **settings})
    tenant = await stack.factory.tenant()
    return Post(service, bus, mail, tenant, Client(http, service.url, tenant.admin.client.token))


@pytest.fixture
async def post(stack: Stack, mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[Post]:
    running = await _post(stack, mongo_url, http)
    yield running
    await running.service.stop()
    await running.bus.close()
    running.mail.stop()


async def test_a_refusing_server_is_retried_with_backoff_and_each_mail_arrives_once(post: Post) -> None:
    post.mail.mailbox.refusing = True
    addresses = [f"{unique('rita')}@busy.test" for _ in range(3)]
    events = [await post.reset_requested(address) for address in addresses]

    async def retrying() -> bool:
        rows = [row for e in events for row in await post.rows(e)]
        return len(rows) == 3 and all(r["status"] == "retrying" and r["attempts"] >= 2 for r in rows)

    await eventually(retrying, what="every mail retried at least twice")
    seen = await post.statuses()
    assert {s["status"] for s in seen.values()} <= {"RETRYING", "SENDING"}  # waiting, or at its next try
    assert all("451" in s["lastError"] and s["attempts"] >= 2 for s in seen.values())
    post.mail.mailbox.refusing = False

    for address in addresses:
        await post.mail.mailbox.wait_for(address, "password_reset")
    await eventually(lambda: _all_sent(post, events), what="every delivery marked sent")
    seen = await post.statuses()
    assert all(s["status"] == "SENT" and s["attempts"] >= 3 and s["lastError"] is None and s["sentAt"]
               and s["nextAttemptAt"] is None for s in seen.values())
    assert [len(post.mail.mailbox.to(a)) for a in addresses] == [1, 1, 1]
    # A sent mail's content (here a reset link) is not kept.
    assert {(r["text"], r["html"]) for e in events for r in await post.rows(e)} == {("", "")}


async def test_a_server_that_is_away_gets_the_mail_when_it_is_back(post: Post) -> None:
    post.mail.stop()
    address = f"{unique('rita')}@away.test"
    event = await post.reset_requested(address)

    async def tried() -> bool:
        return any(r["attempts"] >= 2 for r in await post.rows(event))

    await eventually(tried, what="two attempts against the closed port")
    [row] = await post.rows(event)
    assert row["status"] in ("retrying", "sending") and "Connect" in row["lastError"]  # waiting, or trying again
    post.mail.start()
    await post.mail.mailbox.wait_for(address, "password_reset")
    await eventually(lambda: _all_sent(post, [event]), what="delivery marked sent")
    assert len(post.mail.mailbox.to(address)) == 1


async def test_a_mailbox_refused_for_good_is_given_up_at_once(post: Post) -> None:
    address = f"{unique('gone')}@refused.test"
    post.mail.mailbox.unknown.add(address)
    event = await post.reset_requested(address)

    async def failed() -> bool:
        return [r["status"] for r in await post.rows(event)] == ["failed"]

    await eventually(failed, what="delivery given up")
    seen = (await post.statuses())[address]
    assert seen["status"] == "FAILED" and seen["attempts"] == 1 and "550" in seen["lastError"]
    assert seen["recipient"] == {"id": "u-1"}


async def test_without_an_smtp_server_mail_lands_in_the_outbox_directory(stack: Stack, mongo_url: str,
                                                                        http: httpx.AsyncClient,
                                                                        tmp_path: Path) -> None:
    running = await _post(stack, mongo_url, http, smtp_url=None, mail_outbox_dir=tmp_path)
    try:
        event = await running.reset_requested("rita@outbox.test")
        await eventually(lambda: _all_sent(running, [event]), what="mail written")
        [row] = await running.rows(event)
        [written] = tmp_path.glob("*.eml")  # noqa: ASYNC240 - a test reading a few bytes
        assert written.name == f"{row['_id']}.eml"
        text = written.read_text()
        assert "To: rita@outbox.test" in text and "Subject: Reset your AURONTEK password" in text
    finally:
        await running.service.stop()
        await running.bus.close()
        running.mail.stop()


async def _all_sent(post: Post, events: list[Event]) -> bool:
    rows = [row for e in events for row in await post.rows(e)]
    return bool(rows) and all(r["status"] == "sent" for r in rows)


async def test_a_mail_its_dead_sender_left_sending_is_sent_once_its_lease_lapses(post: Post) -> None:
    """A sender that died mid-send leaves its row `sending` under a lease; once the lease has lapsed another
    sender takes it (its next attempt) and the mail arrives once."""
    address = f"{unique('rita')}@lapsed.test"
    now = datetime.now(UTC)

    def row(to: str, **state: Any) -> dict[str, Any]:
        return {"_id": new_id(), "key": f"lapsed:{to}", "nextAttemptAt": now - timedelta(minutes=2),
                "lastError": None, "createdAt": now, "updatedAt": now, "sentAt": None, "companyId": post.tenant.id,
                "recipientId": None, "to": to, "language": "en", "kind": "password_reset", "mandatory": True,
                "subject": "Reset your password", "text": "Left behind.", "html": "<p>Left behind.</p>", **state}

    await post.service.runtime.db[store.MAIL].insert_one(row(address, status="sending", attempts=1, leaseUntil=now))
    [received] = await post.mail.mailbox.wait_for(address)
    assert received.message["Subject"] == "Reset your password"
    rows = post.service.runtime.db[store.MAIL]

    async def recorded() -> bool:  # the sender records the send once the server has taken the mail
        row = await rows.find_one({"key": f"lapsed:{address}"})
        return row is not None and row["status"] == "sent" and row["attempts"] == 2

    await eventually(recorded, what="the send recorded as its second attempt")
    later = f"{unique('sam')}@lapsed.test"  # a mail queued now goes out on a later pass than the lapsed one's
    await rows.insert_one(row(later, status="pending", attempts=0, leaseUntil=None))
    await post.mail.mailbox.wait_for(later)
    assert len(post.mail.mailbox.to(address)) == 1
