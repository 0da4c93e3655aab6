"""Keeps people's names and companies current from user events; the newest snapshot wins."""

from __future__ import annotations

from collections.abc import Iterable

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


def full_name(doc: dict[str, object] | None) -> str:
    if not doc or doc.get("deleted"):
        return ""
    return f"{doc.get('firstName') or ''} {doc.get('lastName') or ''}".strip()


async def names(people: TenantCollection, user_ids: Iterable[str]) -> dict[str, str]:
    """user id -> name, for the people of the collection's company we know of."""
    wanted = list(dict.fromkeys(user_ids))
    rows = await people.find({"_id": {"$in": wanted}}, projection={"firstName": 1, "lastName": 1,
                                                                   "deleted": 1}).to_list(None)
    return {row["_id"]: full_name(row) for row in rows}


class RecentNames:
    """Names of people who write, remembered half a minute: display data, wanted with every message sent."""

    def __init__(self) -> None:
        self._names: Recent[str] = Recent(seconds=30.0)

    async def of(self, people: TenantCollection, user_id: str) -> str:
        """The name of `user_id` among `people` (the caller's own company), "" while unknown."""
        key = (people.company_id, user_id)
        name = self._names.get(key)
        if name is None:
            name = (await names(people, [user_id])).get(user_id, "")
            if name:  # someone not known yet is looked for again next time
                self._names.put(key, name)
        return name
