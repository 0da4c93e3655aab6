"""The mail queue: one row per delivery (event and recipient), claimed with a lease, sent, and marked.

A row is written in the same transaction as the event's other effects, under a unique delivery
key, so a redelivered event cannot queue a second mail. Its content is dropped once it is sent
or given up on: mails carry personal links that should not outlive their purpose.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel import clock
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


async def enqueue(db: Database, row: dict[str, Any], *, session: AsyncClientSession,
                  claimed_for: timedelta | None = None) -> dict[str, Any] | None:
    """Queue `row` under its `key` unless a row with that key exists; the row as queued when it was queued now.

    With `claimed_for`, it is queued already claimed by the caller for that long (`sending`, its first attempt), as
    `MailQueue.claim` would have taken it: the caller hands it to its own sender once the transaction commits
    (`MailQueue.hand`), which saves the claim's read and write. If the caller dies first, the lease lapses and
    another sender takes it."""
    now = clock.now()
    queued = {"_id": new_id(), "status": MailStatus.PENDING, "attempts": 0, "nextAttemptAt": now,
              "leaseUntil": None, "lastError": None, "createdAt": now, "updatedAt": now, "sentAt": None, **row}
    if claimed_for is not None:
        queued.update(status=MailStatus.SENDING, attempts=1, leaseUntil=now + claimed_for)
    result = await db[store.MAIL].update_one({"key": row["key"]}, {"$setOnInsert": queued}, upsert=True,
                                             session=session)
    return queued if result.upserted_id is not None else None


CLAIM_TRIES = 5  # rows other senders took between our read and our update, before the next state


class MailQueue:
    """Claims due rows for sending and records how each attempt went."""

    def __init__(self, db: Database, *, max_attempts: int, retry_delay_ms: int, lease: timedelta) -> None:
        self.rows = db[store.MAIL]
        self.max_attempts = max_attempts
        self.retry_delay_ms = retry_delay_ms
        self.lease = lease
        self._lapses_seen: datetime | None = None  # when claim last looked for rows whose lease lapsed
        self._handed: collections.deque[dict[str, Any]] = collections.deque()  # claimed when queued, in this process
        self._arrived = asyncio.Event()
        self.open = False  # while `keep_handed` runs: mail may be queued claimed for this process's senders

    @property
    def claims_for(self) -> timedelta | None:
        """How long a mail queued now may be claimed for this process (None: queue it for any sender)."""
        return self.lease if self.open else None

    def hand(self, row: dict[str, Any]) -> None:
        """A row this process queued already claimed (`enqueue(claimed_for=self.claims_for)`), now committed."""
        self._handed.append(row)
        self._arrived.set()

    async def keep_handed(self) -> None:
        """Runs as long as the service: while it does, mail is queued claimed for this process; when the service
        stops, the rows handed to it and not yet sent go back to the queue for any sender, rather than waiting out
        their lease (a process killed outright leaves them to the lease)."""
        self.open = True
        try:
            await asyncio.Event().wait()
        finally:
            self.open = False
            handed, self._handed = list(self._handed), collections.deque()
            if handed:
                await self.rows.update_many(
                    {"_id": {"$in": [r["_id"] for r in handed]}, "status": MailStatus.SENDING, "attempts": 1},
                    {"$set": {"status": MailStatus.PENDING, "attempts": 0, "leaseUntil": None,
                              "nextAttemptAt": clock.now(), "updatedAt": clock.now()}})

    async def wait(self, timeout: float) -> None:
        """Until a row is handed to this process, or `timeout` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), timeout)
        self._arrived.clear()

    async def claim(self) -> dict[str, Any] | None:
        """A row to send: first one handed to this process, else one claimed from the database (`claim_due`)."""
        while self._handed:
            row = await self._keep(self._handed.popleft())
            if row is not None:
                return row
        return await self.claim_due()

    async def _keep(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """A handed row, with its lease renewed if less than half of it is left (sends queued up behind slow ones):
        None when it lapsed and another sender took it meanwhile."""
        now = clock.now()
        if row["leaseUntil"] - now >= self.lease / 2:
            return row
        renewed = {"leaseUntil": now + self.lease, "updatedAt": now}
        if (await self.rows.update_one(self._mine(row), {"$set": renewed})).modified_count:
            return {**row, **renewed}
        return None

    async def claim_due(self) -> dict[str, Any] | None:
        """A due row, now `sending` under a lease: the oldest new one, then the oldest due for a retry, then one
        whose lease lapsed (its sender died; looked for first every quarter of a lease). One query per state, each on
        its index (status, then time): as one `$or` the embedded database read every row of the collection on
        every claim, sent ones included. The row is read, then taken by an update that holds only if it is still
        as read (another sender may take it first: then the next one is tried); a findAndModify would read the
        whole collection there too."""
        now = clock.now()
        lapsed = ({"status": MailStatus.SENDING, "leaseUntil": {"$lt": now}}, "leaseUntil")
        states = [({"status": MailStatus.PENDING, "nextAttemptAt": {"$lte": now}}, "nextAttemptAt"),
                  ({"status": MailStatus.RETRYING, "nextAttemptAt": {"$lte": now}}, "nextAttemptAt")]
        overdue = self._lapses_seen is None or now - self._lapses_seen >= self.lease / 4
        states.insert(0 if overdue else len(states), lapsed)  # a lease lapses rarely: first only now and then
        for due, oldest in states:
            if due is lapsed[0]:
                self._lapses_seen = now
            for _ in range(CLAIM_TRIES):
                row = await self.rows.find_one(due, sort=[(oldest, 1)])
                if row is None:
                    break
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
