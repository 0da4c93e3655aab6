"""Activity status follows sign-in: signing in makes an OFFLINE person AVAILABLE, signing out of the last
session makes them OFFLINE.

Routing gives tickets only to agents who are not OFFLINE, and every account starts OFFLINE; without this
an agent who signed in would get no work until they found `setMyActivityStatus`. A status the person chose
(BUSY) is theirs: signing in keeps it. Only signing out of the last session sets OFFLINE here: a session
that expires or is ended by a password reset or a reused refresh token leaves the status as it was
(deactivation sets OFFLINE itself, and a deactivated or deleted account is never routed).
"""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from subgraphs.kernel import clock
from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.users import store
from subgraphs.users.accounts.drafts import ActivityStatus
from subgraphs.users.accounts.service import snapshot
from subgraphs.users.deps import UsersDeps
from subgraphs.users.roles.service import find_role


async def _set(deps: UsersDeps, uow: UnitOfWork, user_id: str, *, when: str | dict[str, Any],
               status: ActivityStatus) -> dict[str, Any] | None:
    """Set the status of `user_id` if their stored one matches `when`, with its user.updated event."""
    updated = await deps.db[store.USERS].find_one_and_update(
        {"_id": user_id, "deleted": False, "activityStatus": when},
        {"$set": {"activityStatus": status.value, "updatedAt": clock.now()}},
        session=uow.session, return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        return None
    role = await find_role(deps.db, updated["roleId"], company_id=updated["companyId"])
    uow.emit(user_events.USER_UPDATED, {**snapshot(updated, role), "changed": ["activityStatus"]},
             company_id=updated["companyId"], actor_id=user_id)
    return updated


async def signed_in(deps: UsersDeps, user: dict[str, Any]) -> dict[str, Any]:
    """The user after a sign-in: AVAILABLE if they were OFFLINE, otherwise as they were."""
    if user["activityStatus"] != ActivityStatus.OFFLINE:
        return user

    async def work(uow: UnitOfWork) -> dict[str, Any] | None:
        return await _set(deps, uow, user["_id"], when=ActivityStatus.OFFLINE.value, status=ActivityStatus.AVAILABLE)

    return await deps.outbox.transaction(work) or user


async def signed_out(deps: UsersDeps, uow: UnitOfWork, user_id: str) -> None:
    """Inside the sign-out's transaction, after its sessions were revoked: OFFLINE once none is left."""
    live = await deps.db[store.SESSIONS].count_documents(
        {"userId": user_id, "revokedAt": None, "expiresAt": {"$gt": clock.now()}}, session=uow.session)
    if live == 0:
        await _set(deps, uow, user_id, when={"$ne": ActivityStatus.OFFLINE.value}, status=ActivityStatus.OFFLINE)
