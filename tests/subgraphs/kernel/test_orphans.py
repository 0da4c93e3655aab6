"""A transaction left open by an instance that died no longer blocks the documents it wrote for the database's
whole transaction lifetime (60 s): the instances still running end it within seconds, and leave a live one alone.
Each instance here has a client of its own on the suite's database server, as separate processes would."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.mongo import Database, connect
from subgraphs.kernel.orphans import COLLECTION, Orphans

FAST = {"beat_seconds": 0.1, "dead_after": 1.0}


@contextlib.asynccontextmanager
async def instance(mongo_url: str, name: str, *, running: bool) -> AsyncIterator[Database]:
    """One instance's database handle with its register; `running`: it beats and watches the others."""
    client = connect(mongo_url, app_name="aurontek-tests-orphans")
    db = Database(client, name)
    db.orphans = Orphans(db, **FAST)
    task = asyncio.create_task(db.orphans.run()) if running else None
    try:
        yield db
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await client.close()


@contextlib.asynccontextmanager
async def left_open(db: Database, ticket: str) -> AsyncIterator[AsyncClientSession]:
    """A transaction that has written `ticket`'s row and is neither committed nor aborted, as a killed process
    leaves one (its session registered first, as every transaction's is)."""
    async with db.client.start_session() as session:
        assert db.orphans is not None
        await db.orphans.register(session)
        await session.start_transaction()
        await db["sequences"].update_one({"_id": ticket}, {"$inc": {"seq": 1}, "$set": {"by": "dead"}}, upsert=True,
                                         session=session)
        yield session


async def test_a_dead_instances_open_transaction_is_ended_and_its_writes_never_land(scratch_db: Database,
                                                                                   mongo_url: str) -> None:
    name = scratch_db.name
    await scratch_db["sequences"].insert_one({"_id": "t1", "seq": 0})
    async with instance(mongo_url, name, running=False) as dead, left_open(dead, "t1"):
        assert dead.orphans is not None
        await dead.orphans.beat()  # it was alive once: its register exists, then its beat stops
        async with instance(mongo_url, name, running=True) as survivor:
            began = time.monotonic()

            async def work(session: AsyncClientSession) -> None:
                await survivor["sequences"].update_one({"_id": "t1"}, {"$inc": {"seq": 1}, "$set": {"by": "live"}},
                                                       session=session)

            await survivor.run_transaction(work, attempts=40)  # conflicts until the dead one's transaction ends
            took = time.monotonic() - began
            assert took < 10, took  # not the database's 60 s transaction lifetime
            row = await scratch_db["sequences"].find_one({"_id": "t1"})
            assert row == {"_id": "t1", "seq": 1, "by": "live"}  # the dead transaction's write never landed
            assert await scratch_db[COLLECTION].count_documents({"_id": dead.orphans.id}) == 0


async def test_a_live_instance_keeps_its_transaction_while_others_watch(scratch_db: Database, mongo_url: str) -> None:
    name = scratch_db.name
    async with instance(mongo_url, name, running=True) as live, instance(mongo_url, name, running=True) as other:
        assert live.orphans is not None and other.orphans is not None
        async with left_open(live, "t2") as session:
            await asyncio.sleep(FAST["dead_after"] * 3)  # the other watches it beat all along
            await session.commit_transaction()
        assert await scratch_db["sequences"].find_one({"_id": "t2"}) == {"_id": "t2", "seq": 1, "by": "dead"}
        registers = {row["_id"] for row in await scratch_db[COLLECTION].find().to_list(None)}
        assert registers == {live.orphans.id, other.orphans.id}
        await live.orphans.leave()  # a clean stop takes its register with it
        assert await scratch_db[COLLECTION].count_documents({"_id": live.orphans.id}) == 0
