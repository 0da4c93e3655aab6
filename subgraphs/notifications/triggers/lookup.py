"""What trigger functions may consult while an event is handled: people, companies and tickets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
    # The people read while this event is handled, by id (None: the read model does not know them): a comment's
    # author is among the participants just read for it, and naming them costs no second read.
    known: dict[str, Person | None] = field(default_factory=dict)

    @property
    def directory(self) -> Directory:
        return Directory(self.db, self.reads)

    async def person(self, user_id: str | None) -> Person | None:
        if not user_id:
            return None
        if user_id not in self.known:
            self.known[user_id] = await self.directory.person(user_id)
        return self.known[user_id]

    async def people(self, user_ids: Iterable[str | None]) -> list[Person]:
        """The people among `user_ids` the read model knows, in the order given, each once."""
        wanted = list(dict.fromkeys(i for i in user_ids if i))
        unread = [i for i in wanted if i not in self.known]
        if unread:
            found = {person.id: person for person in await self.directory.people(unread)}
            self.known.update({i: found.get(i) for i in unread})
        return [person for i in wanted if (person := self.known[i]) is not None]

    async def name(self, user_id: str | None) -> str | None:
        """A person's name for the words of a notice, or None when we do not know them."""
        person = await self.person(user_id)
        return person.name if person else None
