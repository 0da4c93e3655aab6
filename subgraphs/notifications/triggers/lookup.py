"""What trigger functions may consult while an event is handled: people, companies and tickets."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.mongo import Database
from subgraphs.notifications.people.directory import Directory
from subgraphs.notifications.people.model import Person


@dataclass
class Lookup:
    db: Database
    session: AsyncClientSession
    default_language: str

    @property
    def directory(self) -> Directory:
        return Directory(self.db, self.session)

    async def person(self, user_id: str | None) -> Person | None:
        return await self.directory.person(user_id)

    async def name(self, user_id: str | None) -> str | None:
        """A person's name for the words of a notice, or None when we do not know them."""
        person = await self.person(user_id)
        return person.name if person else None
