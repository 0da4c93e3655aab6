"""Single-use links for setting a password: reset (1 hour) and welcome (for new users)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel import clock
from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.users import store
from subgraphs.users.security.secrets import digest, new_secret

Purpose = Literal["reset", "welcome"]
INVALID_LINK = "this link is not valid or has expired; ask for a new one"


async def issue(
    db: Database, *, user: dict[str, Any], purpose: Purpose, ttl: timedelta, session: AsyncClientSession | None = None
) -> tuple[str, Any]:
    """A fresh token for `user`; earlier unused tokens of the same purpose stop working."""
    now = clock.now()
    await db[store.PASSWORD_TOKENS].update_many(
        {"userId": user["_id"], "purpose": purpose, "usedAt": None}, {"$set": {"usedAt": now, "supersededAt": now}},
        session=session,
    )
    secret = new_secret()
    expires = now + ttl
    await db[store.PASSWORD_TOKENS].insert_one(
        {"_id": new_id(), "userId": user["_id"], "companyId": user["companyId"], "purpose": purpose,
         "tokenHash": digest(secret), "createdAt": now, "expiresAt": expires, "usedAt": None},
        session=session,
    )
    return secret, expires


async def void(db: Database, user_id: str, *, session: AsyncClientSession | None = None) -> None:
    """Every unused link of the person stops working (deactivated or deleted: no welcome or reset link of theirs may
    set a password, even if they are reactivated later; a new link is asked for then)."""
    now = clock.now()
    await db[store.PASSWORD_TOKENS].update_many({"userId": user_id, "usedAt": None},
                                                {"$set": {"usedAt": now, "voidedAt": now}}, session=session)


async def redeem(db: Database, token: str, *, session: AsyncClientSession) -> dict[str, Any]:
    """Use the token once; any other outcome is the same error, to tell an attacker nothing."""
    row = await db[store.PASSWORD_TOKENS].find_one_and_update(
        {"tokenHash": digest(token), "usedAt": None, "expiresAt": {"$gt": clock.now()}},
        {"$set": {"usedAt": clock.now()}},
        session=session,
    )
    if row is None:
        raise BadUserInput(INVALID_LINK, field="token")
    return row
