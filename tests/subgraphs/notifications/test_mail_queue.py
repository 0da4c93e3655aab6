"""The mail queue as its senders meet it: every queued mail claimed once, oldest first, however many senders take
from it and however stale the rows each read at once have become."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.notifications import store
from subgraphs.notifications.mail.queue import CLAIM_BATCH, MailQueue, MailStatus

LEASE = timedelta(minutes=5)


def _queued(count: int, *, since: datetime) -> list[dict[str, Any]]:
    return [{"_id": new_id(), "key": f"k{n}", "status": MailStatus.PENDING, "attempts": 0,
             "nextAttemptAt": since + timedelta(seconds=n), "leaseUntil": None, "to": f"p{n}@queue.test",
             "subject": f"mail {n}", "text": "t", "html": "<p>t</p>"} for n in range(count)]


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
