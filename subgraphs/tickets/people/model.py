"""Keeps `people` (who works where, in which role and care groups) current from users events.

The users service puts a snapshot of the user in every user.created / updated / deactivated /
reactivated / deleted event; the newest snapshot wins, so a late redelivery changes nothing.
Custom roles change their holders' permissions without a user event, so role.created and
role.updated keep a copy of each custom role's permissions to apply the difference.
"""

from __future__ import annotations

import functools
from typing import Any

from subgraphs.kernel import arrival
from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.tickets import store

PATTERNS = ("user.*", user_events.ROLE_CREATED, user_events.ROLE_UPDATED)
SNAPSHOT_FIELDS = ("companyId", "email", "firstName", "lastName", "language", "roleId", "roleKey", "roleName",
                   "roleLevel", "permissions", "skills", "careGroups", "activityStatus", "status")


class PeopleModel:
    def __init__(self, db: Database) -> None:
        self.people = db[store.PEOPLE]
        self.roles = db[store.ROLES]

    async def record(self, event: Event, uow: UnitOfWork) -> None:
        """Consumer handler for users events."""
        if event.type.startswith("role."):
            await self._record_role(event.data, uow)
        elif "roleId" in event.data:  # a snapshot; sign-in and session events carry none
            await self._record_person(event, uow)

    async def _record_person(self, event: Event, uow: UnitOfWork) -> None:
        data = event.data
        current = await self.people.find_one({"_id": data["userId"]}, projection={"version": 1}, session=uow.session)
        if current is not None and current["version"] >= event.occurred_at:
            return
        person: dict[str, Any] = {k: data.get(k) for k in SNAPSHOT_FIELDS}
        person.update(deleted=event.type == user_events.USER_DELETED, version=event.occurred_at)
        await self.people.update_one({"_id": data["userId"]}, {"$set": person}, upsert=True, session=uow.session)
        uow.after_commit(functools.partial(arrival.landed, self.people, data["userId"]))  # an assignment may wait

    async def _record_role(self, data: dict[str, Any], uow: UnitOfWork) -> None:
        role_id, permissions = data["roleId"], set(data.get("permissions") or ())
        before = await self.roles.find_one({"_id": role_id}, session=uow.session)
        await self.roles.update_one({"_id": role_id}, {"$set": {"permissions": sorted(permissions)}}, upsert=True,
                                    session=uow.session)
        if before is None:
            return
        removed = set(before["permissions"]) - permissions
        async for holder in self.people.find({"roleId": role_id}, projection={"permissions": 1},
                                             session=uow.session):
            updated = sorted((set(holder["permissions"]) - removed) | permissions)
            await self.people.update_one({"_id": holder["_id"]}, {"$set": {"permissions": updated}},
                                         session=uow.session)
