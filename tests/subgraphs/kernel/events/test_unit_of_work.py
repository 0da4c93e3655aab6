"""A unit of work's deferred inserts: one statement of its transaction with its events and its marker, or nothing
of the unit at all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError
from typing_extensions import TypedDict

from subgraphs.kernel.events import contracts
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from subgraphs.kernel.mongo import Database, Document
from subgraphs.kernel.tenancy import TenantCollection
from tests.harness import InTransactions


class Filed(TypedDict):
    """The payload of this module's event: it proves the unit of work, not any service's contract."""

    ticketId: str


contracts.register("probe.filed", Filed)
Work = Callable[[UnitOfWork], Awaitable[None]]


class Taken(Exception):
    """What this test's caller makes of a key already taken."""


@pytest.fixture
async def sent() -> InTransactions:
    return InTransactions()


@pytest.fixture
async def outbox(mongo_url: str, db: Database, sent: InTransactions) -> AsyncIterator[Outbox]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongo_url, event_listeners=[sent])
    bus = InProcessBus()
    await bus.start()
    yield Outbox(Database(client, db.name), bus)
    await bus.close()
    await client.close()


def file_a_ticket(outbox: Outbox, *, comment_id: str = "c1",
                  duplicate: type[Exception] | None = None) -> Work:
    ticket_id = "t1"

    async def work(uow: UnitOfWork) -> None:
        await outbox.db["tickets"].update_one({"_id": ticket_id}, {"$inc": {"comments": 1}}, upsert=True,
                                              session=uow.session)
        uow.insert(outbox.db["history"], {"_id": "h1", "ticketId": ticket_id}, {"_id": "h2", "ticketId": ticket_id})
        uow.insert(TenantCollection(outbox.db["comments"], "acme"), {"_id": comment_id, "body": "printer jams"},
                   duplicate=duplicate)
        uow.update(TenantCollection(outbox.db["counts"], "acme"), {"_id": ticket_id}, {"$inc": {"filed": 1}},
                   upsert=True)
        uow.emit("probe.filed", {"ticketId": ticket_id}, company_id="acme", actor_id=None)

    return work


async def test_a_units_inserts_and_its_events_are_one_statement_of_its_transaction(
    outbox: Outbox, sent: InTransactions
) -> None:
    work = file_a_ticket(outbox)
    await outbox.transaction(work)

    assert sent.names == ["update", "bulkWrite", "commitTransaction"]
    assert [d["_id"] async for d in outbox.db["history"].find({}, sort=[("_id", 1)])] == ["h1", "h2"]
    assert await outbox.db["comments"].find_one({"_id": "c1"}) == {"_id": "c1", "body": "printer jams",
                                                                    "companyId": "acme"}
    assert await outbox.db["counts"].find_one({}) == {"_id": "t1", "companyId": "acme", "filed": 1}
    assert await outbox.pending() == 1


@pytest.mark.parametrize("bulk_writes", [True, False], ids=["bulkWrite", "an insert a collection"])
async def test_a_key_already_taken_writes_nothing_of_the_unit(outbox: Outbox, sent: InTransactions,
                                                              bulk_writes: bool) -> None:
    outbox.db.bulk_writes = bulk_writes  # False: a server before MongoDB 8.0
    await outbox.db["comments"].insert_one({"_id": "c1"})
    work = file_a_ticket(outbox)

    with pytest.raises(DuplicateKeyError):
        await outbox.transaction(work)

    assert await outbox.db["tickets"].count_documents({}) == 0
    assert await outbox.db["history"].count_documents({}) == 0
    assert await outbox.db["counts"].count_documents({}) == 0
    assert await outbox.db["comments"].count_documents({}) == 1
    assert await outbox.pending() == 0
    if not bulk_writes:
        assert "bulkWrite" not in sent.names


@pytest.mark.parametrize("bulk_writes", [True, False], ids=["bulkWrite", "an insert a collection"])
async def test_a_key_already_taken_raises_what_the_caller_makes_of_it(outbox: Outbox, bulk_writes: bool) -> None:
    outbox.db.bulk_writes = bulk_writes
    await outbox.db["comments"].insert_one({"_id": "c1"})
    work = file_a_ticket(outbox, duplicate=Taken)

    with pytest.raises(Taken):
        await outbox.transaction(work)
    assert await outbox.db["history"].count_documents({}) == 0


async def test_without_bulk_writes_the_inserts_still_land_together(outbox: Outbox, sent: InTransactions) -> None:
    outbox.db.bulk_writes = False
    work = file_a_ticket(outbox, comment_id="c2")
    await outbox.transaction(work)

    assert sent.names == ["update", "insert", "insert", "update", "insert", "commitTransaction"]
    assert await outbox.db["history"].count_documents({}) == 2
    assert await outbox.db["comments"].count_documents({"_id": "c2"}) == 1
    assert await outbox.db["counts"].find_one({}) == {"_id": "t1", "companyId": "acme", "filed": 1}
    assert await outbox.pending() == 1


async def test_what_is_one_statement_anyway_goes_as_it_is_and_the_rest_as_one_bulk_write(
    outbox: Outbox, sent: InTransactions
) -> None:
    async def look_then_mark(uow: UnitOfWork) -> None:  # something read inside, then one write: one insert
        await outbox.db["counts"].find_one({"_id": "a"}, session=uow.session)
        uow.insert(outbox.db["processed_events"], {"_id": "queue:e0"})

    async def count_twice(uow: UnitOfWork) -> None:  # two updates of one collection: two statements without it
        for key in ("a", "b"):
            uow.update(outbox.db["counts"], {"_id": key}, {"$inc": {"n": 1}}, upsert=True)

    await outbox.transaction(look_then_mark)
    await outbox.transaction(count_twice)

    assert sent.names == ["find", "insert", "commitTransaction", "bulkWrite", "commitTransaction"]
    assert await outbox.db["counts"].count_documents({"n": 1}) == 2
    assert await outbox.db["processed_events"].count_documents({}) == 1


async def test_a_lone_write_of_a_unit_that_sent_nothing_else_goes_without_a_transaction(
    outbox: Outbox, sent: InTransactions
) -> None:
    """A consumed event's marker, for a handler that found nothing to do: the server's transaction line never sees
    it, and a second delivery still finds the event handled."""

    async def mark(uow: UnitOfWork) -> None:
        uow.insert(outbox.db["processed_events"], {"_id": "queue:e1"}, duplicate=Taken)

    await outbox.transaction(mark)
    assert sent.names == []
    assert await outbox.db["processed_events"].count_documents({"_id": "queue:e1"}) == 1
    with pytest.raises(Taken):
        await outbox.transaction(mark)


class Moved(Exception):
    """What this test's caller makes of a document that moved since it was read."""


@pytest.mark.parametrize("bulk_writes", [True, False], ids=["bulkWrite", "an update a statement"])
async def test_a_guarded_update_that_finds_its_document_moved_writes_nothing_of_the_unit(
    outbox: Outbox, sent: InTransactions, bulk_writes: bool
) -> None:
    outbox.db.bulk_writes = bulk_writes
    await outbox.db["tickets"].insert_one({"_id": "t1", "version": 2, "status": "open"})

    def resolve(read_version: int) -> Work:
        async def work(uow: UnitOfWork) -> None:
            uow.update(outbox.db["tickets"], {"_id": "t1", "version": read_version},
                       {"$set": {"status": "resolved"}, "$inc": {"version": 1}}, unmatched=Moved)
            uow.insert(outbox.db["history"], {"_id": f"h{read_version}", "ticketId": "t1"})
            uow.emit("probe.filed", {"ticketId": "t1"}, company_id="acme", actor_id=None)

        return work

    with pytest.raises(Moved):
        await outbox.transaction(resolve(1))  # read before someone else's change made it version 2
    assert await outbox.db["tickets"].find_one({"_id": "t1"}) == {"_id": "t1", "version": 2, "status": "open"}
    assert await outbox.db["history"].count_documents({}) == 0
    assert await outbox.pending() == 0

    await outbox.transaction(resolve(2))
    assert await outbox.db["tickets"].find_one({"_id": "t1"}) == {"_id": "t1", "version": 3, "status": "resolved"}
    assert await outbox.db["history"].count_documents({}) == 1
    assert await outbox.pending() == 1
    if bulk_writes:
        assert sent.names == ["bulkWrite", "abortTransaction", "bulkWrite", "commitTransaction"]
    else:
        assert "bulkWrite" not in sent.names


@pytest.mark.parametrize("bulk_writes", [True, False], ids=["bulkWrite", "a delete a statement"])
async def test_a_delete_goes_with_the_units_writes_and_a_guarded_one_that_finds_nothing_writes_nothing(
    outbox: Outbox, sent: InTransactions, bulk_writes: bool
) -> None:
    """A job done: it goes in the unit's one statement, unless it was asked for again since it was read (its
    counter moved), and then nothing of the unit lands."""
    outbox.db.bulk_writes = bulk_writes
    await outbox.db["jobs"].insert_many([{"_id": "t1", "tasks": {"triage": 2}}, {"_id": "t2", "tasks": {"route": 1}}])

    def done(ticket_id: str, tasks: dict[str, int]) -> Work:
        async def work(uow: UnitOfWork) -> None:
            uow.insert(outbox.db["findings"], {"_id": ticket_id})
            uow.delete(outbox.db["jobs"], {"_id": ticket_id, "tasks": tasks}, unmatched=Moved)

        return work

    with pytest.raises(Moved):
        await outbox.transaction(done("t1", {"triage": 1}))  # read before it was asked for again
    assert await outbox.db["jobs"].count_documents({}) == 2
    assert await outbox.db["findings"].count_documents({}) == 0

    await outbox.transaction(done("t1", {"triage": 2}))
    assert [job["_id"] async for job in outbox.db["jobs"].find({})] == ["t2"]
    assert [found["_id"] async for found in outbox.db["findings"].find({})] == ["t1"]
    if bulk_writes:
        assert sent.names == ["bulkWrite", "abortTransaction", "bulkWrite", "commitTransaction"]
    else:
        assert sent.names == ["insert", "delete", "abortTransaction", "insert", "delete", "commitTransaction"]
