"""Keeps the people and companies read model current from user.* and company.* events.

Events of one queue arrive in order, but a retried one can come after a newer one, so each
row remembers the time of the event it reflects and older events are ignored.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.mongo import Database
from subgraphs.notifications import store

USER_EVENTS = frozenset(user_events.PERSON_EVENTS)
COMPANY_EVENTS = frozenset(user_events.COMPANY_EVENTS)
USER_FIELDS = ("companyId", "email", "firstName", "lastName", "language", "roleId", "roleKey", "roleLevel",
               "permissions", "status")
COMPANY_FIELDS = ("name", "email", "contacts", "status")


async def apply(db: Database, event: Event, session: AsyncClientSession) -> None:
    """Fold `event` into the read model when it is about a person or a company."""
    if event.type in USER_EVENTS:
        row = {k: event.data[k] for k in USER_FIELDS if k in event.data}
        row["deleted"] = event.type == user_events.USER_DELETED
        await _upsert(db[store.PEOPLE], event.data["userId"], row, event, session)
    elif event.type in COMPANY_EVENTS:
        row = {k: event.data[k] for k in COMPANY_FIELDS if k in event.data}
        row["deleted"] = event.type == user_events.COMPANY_DELETED
        await _upsert(db[store.COMPANIES], event.data["companyId"], row, event, session)


async def _upsert(rows: Any, key: str, row: dict[str, Any], event: Event, session: AsyncClientSession) -> None:
    current = await rows.find_one({"_id": key}, projection={"asOf": 1}, session=session)
    if current is not None and current.get("asOf") and current["asOf"] > event.occurred_at:
        return  # a newer event already shaped this row
    await rows.update_one({"_id": key}, {"$set": {**row, "asOf": event.occurred_at}}, upsert=True, session=session)
