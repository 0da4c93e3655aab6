"""Sessions (refresh-token families) and their rotating refresh tokens.

A session is born at login. Each refresh token is single-use: using it marks it used and
returns its successor. Presenting a used token again means it was stolen (or replayed), so the
whole family is revoked and both holders must sign in again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel import clock
from subgraphs.kernel.errors import Unauthenticated
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.users import store
from subgraphs.users.security.secrets import digest, new_secret, same_digest

TOKEN_PREFIX = "rt"


@dataclass(frozen=True)
class IssuedRefresh:
    token: str
    expires_at: datetime


def _compose(token_id: str, secret: str) -> str:
    return f"{TOKEN_PREFIX}.{token_id}.{secret}"


def _split(token: str) -> tuple[str, str]:
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        raise Unauthenticated("the refresh token is not valid", reason="REFRESH_INVALID")
    return parts[1], parts[2]


async def open_session(
    db: Database, *, user: dict[str, Any], ip: str, user_agent: str | None, max_age: timedelta,
    session: AsyncClientSession | None = None,
) -> str:
    now = clock.now()
    session_id = new_id()
    await db[store.SESSIONS].insert_one(
        {"_id": session_id, "userId": user["_id"], "companyId": user["companyId"], "createdAt": now,
         "expiresAt": now + max_age, "lastUsedAt": now, "ip": ip, "userAgent": (user_agent or "")[:300],
         "revokedAt": None, "revokedReason": None},
        session=session,
    )
    return session_id


async def issue_refresh(
    db: Database, *, session_id: str, user: dict[str, Any], ttl: timedelta, session: AsyncClientSession | None = None
) -> IssuedRefresh:
    token_id, secret = new_id(), new_secret()
    expires = clock.now() + ttl
    await db[store.REFRESH_TOKENS].insert_one(
        {"_id": token_id, "familyId": session_id, "userId": user["_id"], "companyId": user["companyId"],
         "tokenHash": digest(secret), "createdAt": clock.now(), "expiresAt": expires, "usedAt": None},
        session=session,
    )
    return IssuedRefresh(_compose(token_id, secret), expires)


class RefreshReused(Exception):
    """A used refresh token came back: `row` is its record, whose family must be revoked."""

    def __init__(self, row: dict[str, Any]) -> None:
        super().__init__("refresh token reused")
        self.row = row


async def consume_refresh(db: Database, token: str) -> dict[str, Any]:
    """Mark the refresh token used and return its row; a reused one raises RefreshReused."""
    token_id, secret = _split(token)
    row = await db[store.REFRESH_TOKENS].find_one({"_id": token_id})
    if row is None or not same_digest(secret, row["tokenHash"]):
        raise Unauthenticated("the refresh token is not valid", reason="REFRESH_INVALID")
    now = clock.now()
    claimed = await db[store.REFRESH_TOKENS].find_one_and_update(
        {"_id": token_id, "usedAt": None}, {"$set": {"usedAt": now}}
    )
    if claimed is None:
        raise RefreshReused(row)
    if row["expiresAt"] <= now:
        raise Unauthenticated("the refresh token has expired", reason="REFRESH_EXPIRED")
    return row


async def active_session(db: Database, session_id: str) -> dict[str, Any] | None:
    row = await db[store.SESSIONS].find_one({"_id": session_id})
    if row is None or row["revokedAt"] is not None or row["expiresAt"] <= clock.now():
        return None
    return row


async def revoke_sessions(
    db: Database, filter: dict[str, Any], *, reason: str, session: AsyncClientSession | None = None
) -> int:
    result = await db[store.SESSIONS].update_many(
        {**filter, "revokedAt": None}, {"$set": {"revokedAt": clock.now(), "revokedReason": reason}}, session=session
    )
    return result.modified_count
