"""The replica whose durable consumer records a revocation refuses the stale token from then on, even to a request
that comes while the consumer's transaction is still committing."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient

from subgraphs.kernel.auth.revocations import Revocations
from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from subgraphs.kernel.mongo import Database, Document


@pytest.fixture
async def db(mongo_url: str) -> AsyncIterator[Database]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongo_url, tz_aware=True)
    database = Database(client, f"revocations_{uuid.uuid4().hex[:12]}")
    yield database
    await client.drop_database(database.name)
    await client.close()


async def test_a_request_while_the_revocation_commits_does_not_bring_the_old_bound_back(db: Database) -> None:
    bus = InProcessBus()
    await bus.start()
    try:
        revocations, outbox = Revocations(db), Outbox(db, bus)
        issued = time.time() - 5  # a token of session s1, issued five seconds ago
        claims = {"sub": "u1", "cid": "c1", "sid": "s1", "iat": int(issued), "iat_ms": int(issued * 1000)}
        assert not await revocations.is_stale(claims)
        signed_out = Event(type=user_events.USER_SIGNED_OUT, data={"userId": "u1", "sessionId": "s1"},
                           company_id="c1", actor_id="u1")
        during: list[bool] = []

        async def consume(uow: UnitOfWork) -> None:
            await revocations.record(signed_out, uow)
            during.append(await revocations.is_stale(claims))  # a request to this replica before the commit

        await outbox.transaction(consume)

        assert during == [True]
        assert await revocations.is_stale(claims)
        assert await Revocations(db).is_stale(claims)  # another replica reads it from the database
    finally:
        await bus.close()


async def test_a_revocation_heard_while_a_bound_is_being_read_is_kept(db: Database) -> None:
    """A request reads its keys' bounds from the database (nothing there yet); the live feed tells of a sign-out while
    that read is on the wire. The read's answer, older than what was heard, must not replace it."""
    revocations = Revocations(db)
    issued = time.time() - 5
    claims = {"sub": "u2", "cid": "c2", "sid": "s2", "iat": int(issued), "iat_ms": int(issued * 1000)}
    reading = asyncio.create_task(revocations.is_stale(claims))
    await asyncio.sleep(0)  # the request's read has gone to the database
    revocations.learn(Event(type=user_events.USER_SIGNED_OUT, data={"userId": "u2", "sessionId": "s2"},
                            company_id="c2", actor_id="u2"))
    await reading  # answered from before the sign-out: either answer is fair for a request already under way
    assert await revocations.is_stale(claims)  # every later request is refused
