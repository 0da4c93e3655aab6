"""Jobs: one per ticket, holding the tasks it awaits; claimed with a lease so replicas share the work.

Each task carries a counter raised whenever it is asked for again; finishing removes only the tasks
whose counter is what it was when claimed, so a change that arrives mid-work is worked again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.ia import store
from subgraphs.kernel import clock
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database

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


async def finish(db: Database, job: Job, session: AsyncClientSession) -> None:
    """Done with the claimed tasks: the job goes, or keeps (unleased) what was asked for again meanwhile."""
    current = await db[store.JOBS].find_one({"_id": job["_id"]}, session=session)
    if current is None:
        return
    left = {t: n for t, n in current["tasks"].items() if job["tasks"].get(t) != n}
    if not left:
        await db[store.JOBS].delete_one({"_id": job["_id"]}, session=session)
        return
    await db[store.JOBS].update_one({"_id": job["_id"]}, {"$set": {"tasks": left, "leaseUntil": EPOCH}},
                                    session=session)


async def give_up_or_retry(db: Database, job: Job) -> bool:
    """After a failure: drop the job once it failed MAX_ATTEMPTS times (True), else let its lease run out."""
    if job.get("attempts", 0) < MAX_ATTEMPTS:
        return False
    await db[store.JOBS].delete_one({"_id": job["_id"], "attempts": job["attempts"]})
    return True


async def pending(db: Database) -> int:
    return await db[store.JOBS].count_documents({})
