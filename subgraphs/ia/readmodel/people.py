"""Keeps `people` (role, permissions, skills, care groups, activity) current from users events.

The users service puts a snapshot of the user in every user.* event; the newest snapshot wins, so a
late redelivery changes nothing. Custom roles change their holders' permissions without a user event,
so role.created and role.updated keep each custom role's permissions to apply the difference.
"""

from __future__ import annotations

from typing import Any

from subgraphs.ia import store
from subgraphs.kernel.auth.principal import holds
from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database

PATTERNS = ("user.*", user_events.ROLE_CREATED, user_events.ROLE_UPDATED)
SNAPSHOT_FIELDS = ("companyId", "email", "firstName", "lastName", "roleId", "roleKey", "permissions", "skills",
                   "careGroups", "activityStatus", "status")
Person = dict[str, Any]


def can(person: Person, permission: str) -> bool:
    return holds(frozenset(person.get("permissions") or ()), permission)


def is_agent(person: Person) -> bool:
    """Works tickets and may move them on (the tickets service's rule for an assignee)."""
    return can(person, "tickets.work") and can(person, "tickets.update")


def is_staff(person: Person | None) -> bool:
    """Works for the desk: their public replies answer customers."""
    return person is not None and (can(person, "tickets.work") or can(person, "tickets.update"))


def name_of(person: Person | None) -> str:
    if not person:
        return ""
    return f"{person.get('firstName') or ''} {person.get('lastName') or ''}".strip()


async def record(db: Database, event: Event, uow: UnitOfWork) -> None:
    """Consumer handler for users events."""
    if event.type.startswith("role."):
        await _record_role(db, event.data, uow)
    elif "roleId" in event.data:  # a snapshot; sign-in and session events carry none
        await _record_person(db, event, uow)


async def _record_person(db: Database, event: Event, uow: UnitOfWork) -> None:
    data = event.data
    people = db[store.PEOPLE]
    current = await people.find_one({"_id": data["userId"]}, projection={"version": 1}, session=uow.session)
    if current is not None and current["version"] >= event.occurred_at:
        return
    person: dict[str, Any] = {k: data.get(k) for k in SNAPSHOT_FIELDS}
    person.update(deleted=event.type == user_events.USER_DELETED, version=event.occurred_at)
    await people.update_one({"_id": data["userId"]}, {"$set": person}, upsert=True, session=uow.session)


async def _record_role(db: Database, data: dict[str, Any], uow: UnitOfWork) -> None:
    role_id, permissions = data["roleId"], set(data.get("permissions") or ())
    before = await db[store.ROLES].find_one({"_id": role_id}, session=uow.session)
    await db[store.ROLES].update_one({"_id": role_id}, {"$set": {"permissions": sorted(permissions)}}, upsert=True,
                                     session=uow.session)
    if before is None:
        return
    removed = set(before["permissions"]) - permissions
    async for holder in db[store.PEOPLE].find({"roleId": role_id}, projection={"permissions": 1},
                                              session=uow.session):
        updated = sorted((set(holder["permissions"]) - removed) | permissions)
        await db[store.PEOPLE].update_one({"_id": holder["_id"]}, {"$set": {"permissions": updated}},
                                          session=uow.session)
