"""A ticket's messages in one order everywhere: the history's, the live subscribers' and the events'.

Each message gets its place inside the transaction that stores it: the ticket's sequence document is written in
that transaction (so a second message of the same ticket, on this instance or another, conflicts and is retried
after the first commits), and the message takes the next number and an id above every earlier one of the ticket. Ids
alone would not do: one taken before a slower commit, or in the same second on another instance (an id's second
part is per process), would sort before a message committed earlier. The number travels in
`chat.message_added`, so a live subscriber can put messages that arrive out of turn back in order
(`subgraphs.chat.live.order`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from subgraphs.chat import store
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database, moved

# An ObjectId is 4 bytes of time, 5 random bytes drawn once per process, and a 3-byte counter: this is one in the
# random part.
_PASS = 1 << 24


class Numbering:
    """Places messages (`place`), remembering what this instance last wrote for each ticket.

    What it remembers is only a guess: the write is conditional on the ticket's number still being the one
    remembered. A guess that holds saves the read of the ticket's sequence and lets its write wait for the end of the
    transaction, in one statement with the message (`UnitOfWork.update`); one that does not (another instance wrote
    since, or a commit failed) is forgotten, and the transaction writes nothing and runs again (`moved`, as on a
    write conflict), placing the message without it. Without a guess the sequence is read outside the transaction
    (not in the database's line of transaction statements) and its write is guarded the same way."""

    def __init__(self, *, limit: int = 10_000) -> None:
        self._last: dict[str, tuple[int, str]] = {}  # ticket -> (number, id) of its latest message written here
        self._turns: dict[str, tuple[asyncio.Lock, list[int]]] = {}  # ticket -> its lock, and how many hold or wait
        self.limit = limit
        self.guesses = 0  # messages placed on a guess
        self.missed = 0  # of which the guess did not hold

    @contextlib.asynccontextmanager
    async def turn(self, ticket_id: str) -> AsyncIterator[None]:
        """This instance's messages of one ticket, one after another, from their placing to their commit.

        Two of them at once would both guess the same number, and one transaction would run again whole; they would
        conflict on the ticket's sequence even unguessed. Once sends take seconds (an overloaded chat), most of a
        busy ticket's messages overlapped, and the reruns kept it overloaded (benchmarks/subscriptions/RESULTS.md).
        """
        lock, users = self._turns.setdefault(ticket_id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._turns[ticket_id]

    @property
    def guessed(self) -> int:
        """Messages placed on a guess that held."""
        return self.guesses - self.missed

    async def place(self, db: Database, uow: UnitOfWork, message: dict[str, Any], *,
                    candidate: str | None = None) -> None:
        """Give `message` (not yet stored) its number (`seq`) and an `_id` above the ticket's earlier messages, from
        what this instance remembers of the ticket, or else from the ticket's sequence read outside the transaction.
        Either way the sequence's write is guarded by the number it started from and waits for the unit's end (no
        statement in the transaction before it); the ticket's first message inserts its sequence.

        `candidate`: the id it tries first (a new one by default)."""
        ticket = message["ticketId"]
        known = self._last.get(ticket)
        if known is None:
            await place(db, uow, message, candidate=candidate)
            return
        self.guesses += 1

        def missed() -> Exception:
            self.missed += 1
            if self._last.get(ticket) == known:
                del self._last[ticket]
            return moved()

        _after(db, uow, message, known, candidate or new_id(), missed)

    def committed(self, message: dict[str, Any]) -> None:
        """`message` is stored: its number and id are its ticket's latest."""
        if len(self._last) >= self.limit:
            self._last.clear()
        self._last[message["ticketId"]] = (message["seq"], message["_id"])


def above(last: str) -> str:
    """An id above `last` that no process draws (see `_PASS`)."""
    return format(int(last, 16) + _PASS, "024x")


async def place(db: Database, uow: UnitOfWork, message: dict[str, Any], *, candidate: str | None = None) -> None:
    """Give `message` (not yet stored) its number (`seq`) and an `_id` above the ticket's earlier messages, knowing
    nothing of the ticket beforehand: its sequence is read outside the transaction (not in the database's line of
    transaction statements), and written, guarded by that read, as `uow` ends (in its one statement). Another
    writer's message committed in between makes the unit run again (`moved`); the ticket's first message inserts
    the sequence, and a first message of another writer's committed meanwhile does the same.

    `candidate`: the id it tries first (a new one by default)."""
    candidate = candidate or new_id()
    read = await db[store.SEQUENCES].find_one({"_id": message["ticketId"]}, projection={"seq": 1, "lastId": 1})
    if read is None:
        uow.insert(db[store.SEQUENCES], {"_id": message["ticketId"], "seq": 1, "lastId": candidate,
                                         "companyId": message["companyId"]}, duplicate=moved)
        message["_id"], message["seq"] = candidate, 1
        return
    _after(db, uow, message, (int(read["seq"]), str(read["lastId"])), candidate, moved)


def _after(db: Database, uow: UnitOfWork, message: dict[str, Any], latest: tuple[int, str], candidate: str,
           changed: Callable[[], Exception]) -> None:
    """`message` placed after the ticket's `latest` (number, id): the next number, and `candidate` for its id unless
    an earlier message holds a higher one, then an id above that one. Not by one: ids one process draws in a row
    differ by one, so the id one above may be exactly the id this instance drew meanwhile for a message of another
    ticket, and one of the two inserts would be refused as a duplicate. Above it by one in the id's random part
    instead (`_PASS`): that is an id no process draws unless its random part is the next number, one chance in
    2**40, and distinct earlier ids give distinct raises. The sequence's write holds only if `latest` is still the
    ticket's, else `changed()` is raised as the unit ends."""
    number, last = latest
    chosen = candidate if candidate > last else above(last)  # hex of one length: text order
    uow.update(db[store.SEQUENCES], {"_id": message["ticketId"], "seq": number},
               {"$set": {"seq": number + 1, "lastId": chosen}}, unmatched=changed)
    message["_id"], message["seq"] = chosen, number + 1


async def last_number(db: Database, ticket_id: str) -> int:
    """The number of the ticket's latest message (0 before the first)."""
    found = await db[store.SEQUENCES].find_one({"_id": ticket_id}, projection={"seq": 1})
    return int(found["seq"]) if found else 0
