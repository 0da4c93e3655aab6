"""Jobs: one per ticket, holding the tasks it awaits; claimed with a lease so replicas share the work.

Each task carries a counter raised whenever it is asked for again; finishing removes only the tasks
whose counter is what it was when claimed, so a change that arrives mid-work is worked again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from subgraphs.ia import store
from subgraphs.kernel import clock
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database, moved

TRIAGE, ROUTE = "triage", "route"  # encode + classify + look for a duplicate; choose an agent
LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 5
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Job = dict[str, Any]


def enqueue(db: Database, uow: UnitOfWork, *, ticket_id: str, company_id: str, tasks: Iterable[str]) -> None:
    """Ask for `tasks` on a ticket (merged with what it already awaits), as `uow` ends."""
    wanted = list(tasks)
    if not wanted:
        return
    uow.update(db[store.JOBS], {"_id": ticket_id}, {
        "$inc": {f"tasks.{task}": 1 for task in wanted},
        "$set": {"companyId": company_id, "attempts": 0},
        "$setOnInsert": {"queuedAt": clock.now(), "leaseUntil": EPOCH}}, upsert=True)


async def claim(db: Database, *, limit: int) -> list[Job]:
    """Up to `limit` jobs nobody holds, oldest first, each leased to this caller."""
    now = clock.now()
    free = await db[store.JOBS].find({"leaseUntil": {"$lt": now}}).sort("queuedAt", 1).limit(limit).to_list(None)
    claimed = []
    for job in free:
        # taken only if still as read (no findAndModify: the embedded database reads the whole collection for one)
        still = {"_id": job["_id"], "leaseUntil": job["leaseUntil"], "attempts": job.get("attempts", 0),
                 "tasks": job["tasks"]}
        held = {"leaseUntil": now + LEASE, "attempts": job.get("attempts", 0) + 1}
        if (await db[store.JOBS].update_one(still, {"$set": held})).modified_count:
            claimed.append({**job, **held})
    return claimed


class Finish:
    """Done with a claimed job's tasks, in a unit of work that may run again: the job goes if nothing was asked for
    again meanwhile (its tasks' counters as claimed), in the unit's one statement with its other writes. If
    something was, that delete finds nothing, the unit writes nothing and runs again, and this time the job is read
    and keeps, unleased, what was asked for again."""

    def __init__(self, db: Database, job: Job) -> None:
        self.db = db
        self.job = job
        self.asked_again = False

    async def __call__(self, uow: UnitOfWork) -> None:
        rows, job = self.db[store.JOBS], self.job
        if not self.asked_again:
            uow.delete(rows, {"_id": job["_id"], "tasks": job["tasks"]}, unmatched=self._changed)
            return
        current = await rows.find_one({"_id": job["_id"]}, session=uow.session)
        if current is None:
            return
        left = {t: n for t, n in current["tasks"].items() if job["tasks"].get(t) != n}
        if not left:
            await rows.delete_one({"_id": job["_id"]}, session=uow.session)
            return
        await rows.update_one({"_id": job["_id"]}, {"$set": {"tasks": left, "leaseUntil": EPOCH}},
                              session=uow.session)

    def _changed(self) -> Exception:
        self.asked_again = True
        return moved()


async def give_up_or_retry(db: Database, job: Job) -> bool:
    """After a failure: drop the job once it failed MAX_ATTEMPTS times (True), else let its lease run out."""
    if job.get("attempts", 0) < MAX_ATTEMPTS:
        return False
    await db[store.JOBS].delete_one({"_id": job["_id"], "attempts": job["attempts"]})
    return True


async def pending(db: Database) -> int:
    return await db[store.JOBS].count_documents({})
