"""The mail queue as its senders meet it: every queued mail claimed once, oldest first, however many senders take
from it and however stale the rows each read at once have become."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient, monitoring

from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.notifications import store
from subgraphs.notifications.mail.queue import CLAIM_BATCH, MailQueue, MailStatus
from subgraphs.notifications.mail.sender import Sender
from subgraphs.notifications.mail.transport import DirectoryTransport

LEASE = timedelta(minutes=5)


def _queued(count: int, *, since: datetime) -> list[dict[str, Any]]:
    return [{"_id": new_id(), "key": f"k{n}", "status": MailStatus.PENDING, "attempts": 0,
             "nextAttemptAt": since + timedelta(seconds=n), "leaseUntil": None, "to": f"p{n}@queue.test",
             "subject": f"mail {n}", "text": "t", "html": "<p>t</p>", "kind": "ticket.created", "language": "en",
             "createdAt": since} for n in range(count)]


async def _claims(queue: MailQueue) -> list[dict[str, Any]]:
    taken = []
    while (row := await queue.claim()) is not None:
        taken.append(row)
    return taken


async def test_a_backlog_longer_than_one_read_is_claimed_whole_once_and_oldest_first(scratch_db: Database) -> None:
    rows = _queued(2 * CLAIM_BATCH + 5, since=datetime.now(UTC) - timedelta(hours=1))
    await scratch_db[store.MAIL].insert_many([dict(r) for r in reversed(rows)])
    taken = await _claims(MailQueue(scratch_db, max_attempts=3, retry_delay_ms=10, lease=LEASE))
    assert [r["to"] for r in taken] == [r["to"] for r in rows]
    assert all(r["status"] == MailStatus.SENDING and r["attempts"] == 1 for r in taken)
    stored = await scratch_db[store.MAIL].find({}).to_list(None)
    assert {r["status"] for r in stored} == {MailStatus.SENDING}


async def test_two_senders_reading_the_same_rows_never_take_one_twice(scratch_db: Database) -> None:
    rows = _queued(CLAIM_BATCH + 7, since=datetime.now(UTC) - timedelta(hours=1))
    await scratch_db[store.MAIL].insert_many(rows)
    first, second = (MailQueue(scratch_db, max_attempts=3, retry_delay_ms=10, lease=LEASE) for _ in range(2))
    taken: dict[str, list[str]] = {"first": [], "second": []}
    # both read the same oldest rows, then take turns: each row the other took is passed over, not sent again
    while True:
        a, b = await first.claim(), await second.claim()
        taken["first"] += [a["_id"]] if a else []
        taken["second"] += [b["_id"]] if b else []
        if a is None and b is None:
            break
    every = taken["first"] + taken["second"]
    assert sorted(every) == sorted(r["_id"] for r in rows) and len(every) == len(set(every))
    assert taken["first"] and taken["second"]


async def test_a_row_settled_after_it_was_read_is_not_claimed_again(scratch_db: Database) -> None:
    rows = _queued(3, since=datetime.now(UTC) - timedelta(hours=1))
    await scratch_db[store.MAIL].insert_many(rows)
    queue = MailQueue(scratch_db, max_attempts=3, retry_delay_ms=10, lease=LEASE)
    first = await queue.claim()  # reads all three, takes the oldest
    assert first is not None and first["_id"] == rows[0]["_id"]
    # another sender sends the second meanwhile (its claim and its record of the send)
    await scratch_db[store.MAIL].update_one({"_id": rows[1]["_id"]}, {"$set": {
        "status": MailStatus.SENT, "attempts": 1}})
    third = await queue.claim()
    assert third is not None and third["_id"] == rows[2]["_id"]
    assert await queue.claim() is None


class _Looks(monitoring.CommandListener):
    """The reads of the mail queue a client sent."""

    def __init__(self) -> None:
        self.count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.count += event.command_name == "find" and event.command.get("find") == store.MAIL

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


class _SlowOutbox:
    """The development outbox, a tenth of a second a mail, counting the sends at once and the mails sent."""

    def __init__(self, directory: Path, *, expecting: int) -> None:
        self.outbox = DirectoryTransport(directory)
        self.at_once = self.most_at_once = self.sent = 0
        self.expecting = expecting
        self.all_sent = asyncio.Event()

    async def send(self, message: Any, *, key: str) -> None:
        self.at_once += 1
        self.most_at_once = max(self.most_at_once, self.at_once)
        try:
            await asyncio.sleep(0.1)
            await self.outbox.send(message, key=key)
            self.sent += 1
            if self.sent == self.expecting:
                self.all_sent.set()
        finally:
            self.at_once -= 1


async def test_an_idle_instance_looks_once_an_interval_and_mail_found_puts_every_sender_back_to_work(
        mongo_url: str, tmp_path: Path) -> None:
    looks = _Looks()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url, tz_aware=True, event_listeners=[looks])
    db = Database(client, f"scratch_{uuid.uuid4().hex[:12]}")
    rows = _queued(24, since=datetime.now(UTC) - timedelta(minutes=1))
    outbox = _SlowOutbox(tmp_path, expecting=len(rows))
    sender = Sender(MailQueue(db, max_attempts=3, retry_delay_ms=10, lease=LEASE), outbox, sender="desk@queue.test",
                    poll_interval=0.2)
    tasks = [asyncio.create_task(sender.run()) for _ in range(8)]
    try:
        await asyncio.sleep(1.1)
        # a look reads three states (new, retrying, lapsed leases): the eight tasks' first looks, then one look each
        # 0.2 s, about 39 reads. Each task polling on its own: 8 tasks, 5 looks a second each, about 130.
        assert looks.count <= 48, looks.count
        await db[store.MAIL].insert_many(rows)
        await asyncio.wait_for(outbox.all_sent.wait(), 10)
        for task in tasks:  # a stopping sender still records the mail it has sent
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        sent = await db[store.MAIL].find({"status": MailStatus.SENT}).to_list(None)
        assert sorted(r["_id"] for r in sent) == sorted(r["_id"] for r in rows)  # each once, none left behind
        assert outbox.most_at_once == 8  # the look that found them did not keep them to itself
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await client.drop_database(db.name)
        await client.close()
