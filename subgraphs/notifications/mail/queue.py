"""The mail queue: one row per delivery (event and recipient), claimed with a lease, sent, and marked.

A row is written in the same transaction as the event's other effects, under a unique delivery
key, so a redelivered event cannot queue a second mail. Its content is dropped once it is sent
or given up on: mails carry personal links that should not outlive their purpose.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.notifications import store

CONTENT = {"text": "", "html": ""}
MAX_BACKOFF = timedelta(hours=1)  # an SMTP outage can last hours; keep trying, at most hourly


class MailStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    RETRYING = "retrying"
    SENT = "sent"
    FAILED = "failed"


def enqueue(db: Database, row: dict[str, Any], uow: UnitOfWork) -> None:
    """Queue `row` under its `key` as `uow` ends. The key is unique: a unit that queues a key already queued fails
    whole (the event's marker, inserted before it, tells a redelivery first)."""
    now = clock.now()
    uow.insert(db[store.MAIL], {"_id": new_id(), "status": MailStatus.PENDING, "attempts": 0, "nextAttemptAt": now,
                                "leaseUntil": None, "lastError": None, "createdAt": now, "updatedAt": now,
                                "sentAt": None, **row})


CLAIM_TRIES = 5  # reads of a state's due rows in one claim, while other senders take every row read
CLAIM_BATCH = 32  # due rows read at once and tried one after another on later claims


class MailQueue:
    """Claims due rows for sending and records how each attempt went."""

    def __init__(self, db: Database, *, max_attempts: int, retry_delay_ms: int, lease: timedelta) -> None:
        self.rows = db[store.MAIL]
        self.max_attempts = max_attempts
        self.retry_delay_ms = retry_delay_ms
        self.lease = lease
        self._lapses_seen: datetime | None = None  # when claim last looked for rows whose lease lapsed
        self._read: dict[str, list[dict[str, Any]]] = {}  # by state: rows read due and not tried yet, oldest first

    async def depth(self) -> int:
        """Mails not sent yet and not given up on: new, waiting for a retry, or being sent."""
        waiting = [MailStatus.PENDING, MailStatus.RETRYING, MailStatus.SENDING]
        return await self.rows.count_documents({"status": {"$in": waiting}})

    async def claim(self) -> dict[str, Any] | None:
        """A due row, now `sending` under a lease: the oldest new one, then the oldest due for a retry, then one
        whose lease lapsed (its sender died; looked for first every quarter of a lease). One query per state, each on
        its index (status, then time): as one `$or` the embedded database read every row of the collection on
        every claim, sent ones included. The row is read, then taken by an update that holds only if it is still
        as read (another sender may take it first: then the next one is tried); a findAndModify would read the
        whole collection there too.

        The embedded database reads every due row of a state to answer for its oldest, however few are asked for,
        so a claim reads up to `CLAIM_BATCH` of them and later claims take the rest before reading again: with a
        backlog of mail, reading one row a claim was a quarter of the database's work in the workload benchmark
        (benchmarks/workload/RESULTS.md). A row read stays due (its time has come); one another sender took or
        settled meanwhile no longer matches its update and is passed over."""
        now = clock.now()
        lapsed = ("lapsed", {"status": MailStatus.SENDING, "leaseUntil": {"$lt": now}}, "leaseUntil")
        states = [("pending", {"status": MailStatus.PENDING, "nextAttemptAt": {"$lte": now}}, "nextAttemptAt"),
                  ("retrying", {"status": MailStatus.RETRYING, "nextAttemptAt": {"$lte": now}}, "nextAttemptAt")]
        overdue = self._lapses_seen is None or now - self._lapses_seen >= self.lease / 4
        states.insert(0 if overdue else len(states), lapsed)  # a lease lapses rarely: first only now and then
        for state, due, oldest in states:
            if state == "lapsed":
                self._lapses_seen = now
                self._read.pop(state, None)  # a lease read lapsed may have been taken over since: read them again
            reads = 0
            while True:
                read = self._read.get(state)
                if not read:
                    if reads == CLAIM_TRIES:
                        break
                    reads += 1
                    read = await self.rows.find(due, sort=[(oldest, 1)], limit=CLAIM_BATCH).to_list(None)
                    self._read[state] = read
                    if not read:
                        break
                row = read.pop(0)
                taken = {"status": MailStatus.SENDING, "leaseUntil": now + self.lease, "updatedAt": now,
                         "attempts": row.get("attempts", 0) + 1}
                still = {"_id": row["_id"], "status": row["status"], "attempts": row.get("attempts", 0)}
                if (await self.rows.update_one(still, {"$set": taken})).modified_count:
                    return {**row, **taken}
        return None

    async def sent(self, row: dict[str, Any]) -> None:
        now = clock.now()
        await self.rows.update_one(self._mine(row), {"$set": {
            "status": MailStatus.SENT, "sentAt": now, "updatedAt": now, "leaseUntil": None, "lastError": None,
            **CONTENT}})

    async def failed(self, row: dict[str, Any], error: str, *, final: bool) -> MailStatus:
        """Record a failed attempt: retry later with backoff, or give up after the last attempt."""
        now = clock.now()
        change: dict[str, Any]
        if final or row["attempts"] >= self.max_attempts:
            change = {"status": MailStatus.FAILED, **CONTENT}
        else:
            retry_at = now + backoff(self.retry_delay_ms, row["attempts"])
            change = {"status": MailStatus.RETRYING, "nextAttemptAt": retry_at}
        await self.rows.update_one(self._mine(row), {"$set": {
            **change, "lastError": error[:500], "leaseUntil": None, "updatedAt": now}})
        return MailStatus(change["status"])

    @staticmethod
    def _mine(row: dict[str, Any]) -> dict[str, Any]:
        # Only the attempt that claimed the row may settle it (a lapsed lease hands it to someone else).
        return {"_id": row["_id"], "status": MailStatus.SENDING, "attempts": row["attempts"]}


def backoff(base_ms: int, attempt: int) -> timedelta:
    """How long to wait after failed attempt `attempt`: doubling from `base_ms`, capped at an hour."""
    return min(timedelta(milliseconds=base_ms * 2 ** max(0, attempt - 1)), MAX_BACKOFF)
