"""What trigger functions may consult while an event is handled: people, companies and tickets."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.notifications.people.directory import Directory
from subgraphs.notifications.people.model import Person


@dataclass
class Lookup:
    db: Database
    uow: UnitOfWork  # the handler's transaction, which what the event changes is written in
    default_language: str
    # What the lookups read through: the transaction, to see what it has written (a person an account event has
    # just added), or None, the rows as last committed. SecantusDB runs the commands of all transactions one at a
    # time, so a read that needs none is kept out of them.
    reads: AsyncClientSession | None

    @property
    def directory(self) -> Directory:
        return Directory(self.db, self.reads)

    async def person(self, user_id: str | None) -> Person | None:
        return await self.directory.person(user_id)

    async def name(self, user_id: str | None) -> str | None:
        """A person's name for the words of a notice, or None when we do not know them."""
        person = await self.person(user_id)
        return person.name if person else None
