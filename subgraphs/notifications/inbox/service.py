"""Writing notifications (from the dispatcher) and reading, marking and deleting them (for their owner)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.errors import NotFound
from subgraphs.kernel.events.contracts import notifications as notification_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection
from subgraphs.notifications import store

# Raised for every new notification; each instance fans it out to that person's live subscriptions.
ADDED = notification_events.CREATED


@dataclass(frozen=True)
class Filter:
    read: bool | None = None
    kinds: tuple[str, ...] = ()
    target_id: str | None = None
    since: datetime | None = None

    def query(self, user_id: str) -> dict[str, Any]:
        query: dict[str, Any] = {"recipientId": user_id}
        if self.read is not None:
            query["read"] = self.read
        if self.kinds:
            query["kind"] = {"$in": list(self.kinds)}
        if self.target_id:
            query["target.id"] = self.target_id
        if self.since:
            query["createdAt"] = {"$gte": self.since}
        return query


def add(db: Database, uow: UnitOfWork, notification: dict[str, Any]) -> None:
    """Store `notification` under its delivery `key` as `uow` ends, and tell live subscribers once it commits. The
    key is unique: a unit that stores a key already stored fails whole (the event's marker, inserted before it,
    tells a redelivery first)."""
    doc = {"_id": new_id(), "read": False, "readAt": None, "createdAt": clock.now(), **notification}
    uow.insert(db[store.NOTIFICATIONS], doc)
    uow.emit(ADDED, public(doc), company_id=doc["companyId"], actor_id=None)


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """A notification as its owner may see it (the live event carries exactly this)."""
    return {"id": doc["_id"], "recipientId": doc["recipientId"], "companyId": doc["companyId"], "kind": doc["kind"],
            "title": doc["title"], "body": doc["body"], "link": doc.get("link"), "target": doc.get("target"),
            "read": doc["read"], "readAt": doc.get("readAt"), "createdAt": doc["createdAt"]}


async def unread_count(rows: TenantCollection, user_id: str) -> int:
    return await rows.count_documents({"recipientId": user_id, "read": False})


async def find(rows: TenantCollection, user_id: str, notification_id: str) -> dict[str, Any]:
    doc = await rows.find_one({"_id": notification_id, "recipientId": user_id})
    if doc is None:
        raise NotFound("no such notification", id=notification_id)
    return doc


async def mark(rows: TenantCollection, user_id: str, notification_id: str, *, read: bool) -> dict[str, Any]:
    """Mark one of the caller's notifications read (or unread again); marking twice changes nothing."""
    changed = await rows.find_one_and_update(
        {"_id": notification_id, "recipientId": user_id, "read": not read},
        {"$set": {"read": read, "readAt": clock.now() if read else None}}, return_document=True,
    )
    return changed or await find(rows, user_id, notification_id)


async def mark_all(rows: TenantCollection, user_id: str, kinds: tuple[str, ...] = ()) -> int:
    """Mark every unread notification of the caller (of `kinds`, when given) read; how many changed."""
    query = Filter(read=False, kinds=kinds).query(user_id)
    result = await rows.update_many(query, {"$set": {"read": True, "readAt": clock.now()}})
    return result.modified_count


async def delete(rows: TenantCollection, user_id: str, notification_id: str) -> None:
    result = await rows.delete_one({"_id": notification_id, "recipientId": user_id})
    if result.deleted_count == 0:
        raise NotFound("no such notification", id=notification_id)
