"""A message's place in its ticket's chat: the next number, and an id above every earlier message's, even when an
earlier message's id is ahead of this instance's clock (taken by another instance)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from subgraphs.chat import store
from subgraphs.chat.messages.ordering import Numbering, last_number, place
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database, Document
from tests.harness import InTransactions, in_unit


@pytest.fixture
def db(scratch_db: Database) -> Database:
    return scratch_db


async def _placed(db: Database, ticket: str, candidate: str | None = None) -> dict[str, Any]:
    """A message placed knowing nothing of its ticket, as chat's system messages are, and stored."""
    message: dict[str, Any] = {"ticketId": ticket, "companyId": "c1"}

    async def work(uow: UnitOfWork) -> None:
        await place(db, uow, message, candidate=candidate)
        uow.insert(db[store.MESSAGES], dict(message))

    await in_unit(db, work)
    return message


async def test_each_message_takes_the_next_number_and_a_higher_id(db: Database) -> None:
    ticket = new_id()
    placed = [await _placed(db, ticket) for _ in range(5)]

    assert [m["seq"] for m in placed] == [1, 2, 3, 4, 5]
    assert [m["_id"] for m in placed] == sorted(m["_id"] for m in placed)
    assert len({m["_id"] for m in placed}) == 5
    assert await last_number(db, ticket) == 5


async def test_an_earlier_id_ahead_of_this_clock_is_passed(db: Database) -> None:
    ticket, ahead = new_id(), "f" + "0" * 23  # an id from far ahead: another instance's clock
    await db[store.SEQUENCES].insert_one({"_id": ticket, "seq": 7, "lastId": ahead, "companyId": "c1"})

    first, second = await _placed(db, ticket), await _placed(db, ticket)

    assert (first["seq"], first["_id"]) == (8, "f" + "0" * 16 + "1000000")  # one up in the id's random part
    assert (second["seq"], second["_id"]) == (9, "f" + "0" * 16 + "2000000")
    assert (await db[store.SEQUENCES].find_one({"_id": ticket}))["lastId"] == second["_id"]


async def test_a_passed_id_is_never_an_id_this_instance_draws_for_another_ticket(db: Database) -> None:
    """Ids one instance draws in a row differ by one. A message of ticket 1 drew its id before A's but is stored after
    A, so it must go above A. Before, it took A's id plus one, which is exactly the id the instance drew next, here
    for a message of ticket 2: both messages had one id, and the second insert was refused as a duplicate."""
    first, second = new_id(), new_id()
    late, a_drew, next_drew = "6" + "0" * 22 + "1", "6" + "0" * 22 + "5", "6" + "0" * 22 + "6"

    a = await _placed(db, first, a_drew)
    late_one = await _placed(db, first, late)
    other = await _placed(db, second, next_drew)

    assert a["_id"] < late_one["_id"] and [a["seq"], late_one["seq"]] == [1, 2]  # still after A in its ticket
    assert other["_id"] == next_drew
    assert len({a["_id"], late_one["_id"], other["_id"]}) == 3


async def test_a_message_after_a_passed_one_is_placed_above_it(db: Database) -> None:
    """The passed id is now the ticket's highest: the next message that drew a lower id goes above it in turn."""
    ticket = new_id()
    a_drew, late, b_drew = "6" + "0" * 22 + "5", "6" + "0" * 22 + "1", "6" + "0" * 22 + "6"

    placed = [await _placed(db, ticket, drew) for drew in (a_drew, late, b_drew)]

    assert [m["seq"] for m in placed] == [1, 2, 3]
    assert [m["_id"] for m in placed] == sorted(m["_id"] for m in placed)
    assert len({m["_id"] for m in placed}) == 3


async def _numbered(db: Database, numbering: Numbering, ticket: str, candidate: str | None = None) -> dict[str, Any]:
    """A message numbered and stored as chat's sending does (a guess that missed: the unit runs again)."""
    message: dict[str, Any] = {"ticketId": ticket, "companyId": "c1"}

    async def work(uow: UnitOfWork) -> None:
        await numbering.place(db, uow, message, candidate=candidate)
        uow.insert(db[store.MESSAGES], dict(message))

    await in_unit(db, work)
    numbering.committed(message)
    return message


async def test_an_instance_numbers_its_next_message_from_what_it_wrote_last(db: Database) -> None:
    numbering, ticket = Numbering(), new_id()
    placed = [await _numbered(db, numbering, ticket) for _ in range(4)]

    assert [m["seq"] for m in placed] == [1, 2, 3, 4]
    assert [m["_id"] for m in placed] == sorted(m["_id"] for m in placed)
    assert numbering.guessed == 3  # all but the first, which it knew nothing of
    stored = await db[store.SEQUENCES].find_one({"_id": ticket})
    assert (stored["seq"], stored["lastId"]) == (4, placed[-1]["_id"])


async def test_two_instances_writing_one_ticket_in_turn_keep_one_order(db: Database) -> None:
    """Each instance's memory is stale after the other wrote: its guess fails and it reads the ticket instead."""
    one, two, ticket = Numbering(), Numbering(), new_id()
    placed = [await _numbered(db, (one, two)[n % 2], ticket) for n in range(6)]
    placed += [await _numbered(db, one, ticket), await _numbered(db, one, ticket)]

    assert [m["seq"] for m in placed] == list(range(1, 9))
    assert [m["_id"] for m in placed] == sorted(m["_id"] for m in placed)
    assert len({m["_id"] for m in placed}) == 8
    assert (one.guessed, two.guessed) == (1, 0)  # only the last of `one`'s two in a row


async def test_messages_of_one_ticket_sent_at_once_take_turns_and_no_transaction_runs_twice(db: Database) -> None:
    """As chat's sending does it: eight messages of one ticket at once on one instance, each in the ticket's turn.
    Each guess holds (the one before it has committed), so none of the eight transactions is run again."""
    numbering, ticket = Numbering(), new_id()
    await _numbered(db, numbering, ticket)  # the instance knows the ticket from here on

    async def sent() -> dict[str, Any]:
        async with numbering.turn(ticket):
            return await _numbered(db, numbering, ticket)

    placed = await asyncio.gather(*(sent() for _ in range(8)))
    assert sorted(m["seq"] for m in placed) == list(range(2, 10))
    by_number = sorted(placed, key=lambda m: m["seq"])
    assert [m["_id"] for m in by_number] == sorted(m["_id"] for m in placed)
    assert (numbering.guesses, numbering.missed) == (8, 0)
    assert not numbering._turns  # nothing kept for a ticket nobody is writing


async def test_a_guess_with_an_id_drawn_behind_the_last_goes_above_it(db: Database) -> None:
    numbering, ticket = Numbering(), new_id()
    first = await _numbered(db, numbering, ticket, "6" + "0" * 22 + "5")
    late = await _numbered(db, numbering, ticket, "6" + "0" * 22 + "1")
    other = await _placed(db, new_id(), "6" + "0" * 22 + "6")  # the id this instance drew next, another ticket

    assert numbering.guessed == 1
    assert late["seq"] == 2 and first["_id"] < late["_id"]
    assert len({first["_id"], late["_id"], other["_id"]}) == 3


async def test_a_message_whose_transaction_failed_leaves_no_number_behind(db: Database) -> None:
    numbering, ticket = Numbering(), new_id()
    await _numbered(db, numbering, ticket)
    lost: dict[str, Any] = {"ticketId": ticket, "companyId": "c1"}

    async def fails(uow: UnitOfWork) -> None:
        await numbering.place(db, uow, lost)
        raise RuntimeError("the insert after it failed")

    with pytest.raises(RuntimeError):
        await in_unit(db, fails)
    after = await _numbered(db, numbering, ticket)

    assert after["seq"] == 2  # the failed one's number was not used up
    assert await last_number(db, ticket) == 2


async def test_a_ticket_this_instance_has_not_written_in_is_placed_with_nothing_in_the_line(
    mongo_url: str, db: Database
) -> None:
    """Its sequence is read outside the transaction, and its write guarded by that read goes with the message in the
    unit's one statement: the database's line of transaction statements sees that and the commit, as for a guess.
    Another instance that wrote meanwhile makes the unit run again, and the order holds."""
    sent = InTransactions()
    client: AsyncMongoClient[Document] = AsyncMongoClient(mongo_url, event_listeners=[sent])
    watched = Database(client, db.name)
    try:
        ticket, other = new_id(), Numbering()
        earlier = [await _numbered(db, other, ticket) for _ in range(3)]  # another instance's messages
        fresh = Numbering()
        placed = await _numbered(watched, fresh, ticket)
        assert sent.names == ["bulkWrite", "commitTransaction"]
        assert placed["seq"] == 4 and placed["_id"] > earlier[-1]["_id"] and fresh.guesses == 0

        unseen = Numbering()  # an instance that has not written in the ticket either
        message: dict[str, Any] = {"ticketId": ticket, "companyId": "c1"}
        runs = 0

        async def overtaken(uow: UnitOfWork) -> None:  # another instance writes between the read and the commit
            nonlocal runs
            runs += 1
            await unseen.place(watched, uow, message)
            if runs == 1:
                await _numbered(db, other, ticket)
            uow.insert(watched[store.MESSAGES], dict(message))

        await in_unit(watched, overtaken)
        assert runs == 2 and message["seq"] == 6
        numbers = [m["seq"] async for m in db[store.MESSAGES].find({"ticketId": ticket}).sort("_id", 1)]
        assert numbers == [1, 2, 3, 4, 5, 6]
    finally:
        await client.close()


async def test_the_first_messages_of_a_ticket_from_two_instances_at_once_take_one_number_each(db: Database) -> None:
    ticket = new_id()
    placed = await asyncio.gather(*(_numbered(db, Numbering(), ticket) for _ in range(4)))
    assert sorted(m["seq"] for m in placed) == [1, 2, 3, 4]
    by_number = sorted(placed, key=lambda m: m["seq"])
    assert [m["_id"] for m in by_number] == sorted(m["_id"] for m in placed)
