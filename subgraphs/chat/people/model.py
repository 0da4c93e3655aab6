"""Keeps people's names and companies current from user events; the newest snapshot wins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from subgraphs.chat import store
from subgraphs.chat.recent import Recent
from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection

PATTERNS = user_events.PERSON_EVENTS
FIELDS = ("companyId", "firstName", "lastName", "status")


async def remember(event: Event, uow: UnitOfWork, db: Database) -> None:
    data = event.data
    rows = db[store.PEOPLE]
    current = await rows.find_one({"_id": data["userId"]}, projection={"asOf": 1}, session=uow.session)
    if current is not None and current["asOf"] > event.occurred_at:
        return
    row = {k: data.get(k) for k in FIELDS if k in data}
    row.update(deleted=event.type == user_events.USER_DELETED, asOf=event.occurred_at)
    await rows.update_one({"_id": data["userId"]}, {"$set": row}, upsert=True, session=uow.session)


class PersonName(NamedTuple):
    """A person's first and last name as chat knows them: what messages, receipts and typing signals show, and
    what chat provides of the users service's `User` (`name`, `firstName`, `lastName`) so a chat's screen needs
    no look-up there."""

    first: str = ""
    last: str = ""

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}".strip()

    @classmethod
    def of(cls, doc: Mapping[str, Any] | None) -> PersonName:
        """From a person's read-model row; nobody (no name) once deleted."""
        if not doc or doc.get("deleted"):
            return NOBODY
        return cls(doc.get("firstName") or "", doc.get("lastName") or "")

    @classmethod
    def carried(cls, data: Mapping[str, Any], prefix: str = "") -> PersonName:
        """From an event or a stored message: `firstName` and `lastName` (under `prefix`: `authorFirstName`, ...).
        What was written before they were carried has only the whole name, split at its first space."""
        if _key(prefix, "firstName") in data:
            return cls(data.get(_key(prefix, "firstName")) or "", data.get(_key(prefix, "lastName")) or "")
        first, _, last = (data.get(_key(prefix, "name")) or "").partition(" ")
        return cls(first, last)

    def carry(self, prefix: str = "") -> dict[str, str]:
        """The fields `carried` reads back, with the whole name for readers that want only that."""
        return {_key(prefix, "name"): self.full, _key(prefix, "firstName"): self.first,
                _key(prefix, "lastName"): self.last}


def _key(prefix: str, field: str) -> str:
    return f"{prefix}{field[0].upper()}{field[1:]}" if prefix else field


NOBODY = PersonName()


async def names(people: TenantCollection, user_ids: Iterable[str]) -> dict[str, PersonName]:
    """user id -> name, for the people of the collection's company we know of."""
    wanted = list(dict.fromkeys(user_ids))
    rows = await people.with_ids(wanted, projection={"firstName": 1, "lastName": 1, "deleted": 1})
    return {row["_id"]: PersonName.of(row) for row in rows}


class RecentNames:
    """Names of people who write, remembered half a minute: display data, wanted with every message sent."""

    def __init__(self) -> None:
        self._names: Recent[PersonName] = Recent(seconds=30.0)

    async def of(self, people: TenantCollection, user_id: str) -> PersonName:
        """The name of `user_id` among `people` (the caller's own company), no name while unknown."""
        key = (people.company_id, user_id)
        name = self._names.get(key)
        if name is None:
            name = (await names(people, [user_id])).get(user_id, NOBODY)
            if name.full:  # someone not known yet is looked for again next time
                self._names.put(key, name)
        return name
