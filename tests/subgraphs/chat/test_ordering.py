"""A message's place in its ticket's chat: the next number, and an id above every earlier message's, even when an
earlier message's id is ahead of this instance's clock (taken by another instance)."""

from __future__ import annotations

from typing import Any

import pytest

from subgraphs.chat import store
from subgraphs.chat.messages.ordering import last_number, place
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database


@pytest.fixture
def db(scratch_db: Database) -> Database:
    return scratch_db


async def _placed(db: Database, ticket: str, candidate: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"ticketId": ticket, "companyId": "c1"}

    async def work(session: Any) -> None:
        await place(db, session, message, candidate=candidate)

    await db.run_transaction(work)
    return message


async def test_each_message_takes_the_next_number_and_a_higher_id(db: Database) -> None:
    ticket = new_id()
    placed = [await _placed(db, ticket) for _ in range(5)]

    assert [m["seq"] for m in placed] == [1, 2, 3, 4, 5]
    assert [m["_id"] for m in placed] == sorted(m["_id"] for m in placed)
    assert len({m["_id"] for m in placed}) == 5
    assert await last_number(db, ticket) == 5


async def test_an_earlier_id_ahead_of_this_clock_is_passed_by_one(db: Database) -> None:
    ticket, ahead = new_id(), "f" + "0" * 23  # an id from far ahead: another instance's clock
    await db[store.SEQUENCES].insert_one({"_id": ticket, "seq": 7, "lastId": ahead, "companyId": "c1"})

    first, second = await _placed(db, ticket), await _placed(db, ticket)

    assert (first["seq"], first["_id"]) == (8, "f" + "0" * 22 + "1")
    assert (second["seq"], second["_id"]) == (9, "f" + "0" * 22 + "2")
    assert (await db[store.SEQUENCES].find_one({"_id": ticket}))["lastId"] == second["_id"]


async def test_an_id_one_above_is_never_also_the_id_another_message_drew(db: Database) -> None:
    """Ids one instance draws in a row differ by one. A draws an id and B the next one; C, which drew its id before
    A's, is stored after A and passed by one, so it takes exactly B's id. B, finding the highest id equal to its own,
    must not take that for its own raise: before, it was given C's id, and its insert was refused as a duplicate."""
    ticket = new_id()
    c_drew, a_drew, b_drew = "6" + "0" * 22 + "1", "6" + "0" * 22 + "5", "6" + "0" * 22 + "6"

    a = await _placed(db, ticket, a_drew)
    c = await _placed(db, ticket, c_drew)
    b = await _placed(db, ticket, b_drew)

    assert (a["_id"], c["_id"]) == (a_drew, b_drew)  # C passed A by one: B's id
    assert b["_id"] > c["_id"]
    assert [a["seq"], c["seq"], b["seq"]] == [1, 2, 3]
