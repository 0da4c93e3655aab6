"""Tokens issued before a security change stop working at once in every service.

Services other than users trust the claims of a signed access token, which could outlive a
role change, a deactivation or a logout by up to its lifetime. Each service therefore keeps
a small read model, fed by the users service's events: for a user, role, company or session,
the instant before which tokens no longer count. A refused token says TOKEN_STALE, so the
client refreshes it (and gets the current permissions) or signs in again.

The durable consumer (one replica of the service gets each event) writes the read model. Each
replica also keeps the bounds it read in memory, so a request costs no database read; the live
feed (every replica gets every event) moves a replica's bounds the moment a security event is
published. While that feed is away, a bound read from the database is trusted for one second only,
and the memory is emptied when the feed comes back (what it missed is in the database).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.follow import LiveFollower
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database

COLLECTION = "auth_revocations"
MEMORY_LIMIT = 100_000  # keys a replica remembers before it starts afresh
PATTERNS = ("user.*", "role.*", "company.*")
# user.updated revokes only when one of these changed; a new phone number changes no power.
SECURITY_FIELDS = frozenset({"roleId", "permissions", "status", "email", "companyId"})
_WHOLE_USER = {user_events.USER_DEACTIVATED, user_events.USER_DELETED, user_events.USER_PASSWORD_CHANGED}
_WHOLE_COMPANY = {user_events.COMPANY_SUSPENDED, user_events.COMPANY_DELETED}
_ROLE = {user_events.ROLE_UPDATED, user_events.ROLE_DELETED}


def revoked_keys(event: Event) -> list[str]:
    """The keys an event revokes; none for events that change no one's powers."""
    data = event.data
    if event.type in _WHOLE_USER:
        return [f"user:{data['userId']}"]
    if event.type == user_events.USER_UPDATED and SECURITY_FIELDS & set(data.get("changed") or ()):
        return [f"user:{data['userId']}"]
    if event.type == user_events.USER_SIGNED_OUT:
        return [f"user:{data['userId']}"] if data.get("everywhere") else [f"session:{data['sessionId']}"]
    if event.type == user_events.USER_SESSION_REVOKED:
        return [f"session:{data['sessionId']}"]
    if event.type in _ROLE:
        return [f"role:{data['roleId']}"]
    if event.type in _WHOLE_COMPANY:
        return [f"company:{data['companyId']}"]
    return []


def keys_of(claims: dict[str, Any]) -> list[str]:
    keys = [f"user:{claims.get('sub')}", f"company:{claims.get('cid')}"]
    if claims.get("rid"):
        keys.append(f"role:{claims['rid']}")
    if claims.get("sid"):
        keys.append(f"session:{claims['sid']}")
    return keys


class Revocations:
    def __init__(self, db: Database, *, cache_seconds: float = 300.0, unwatched_seconds: float = 1.0) -> None:
        self.rows = db[COLLECTION]
        self.cache_seconds = cache_seconds  # how long a bound read from the database holds while the feed is live
        self.unwatched_seconds = unwatched_seconds  # ... and while it is not
        self._cache: dict[str, tuple[float, float]] = {}  # key -> (not-before epoch s, cached at)
        self.follower = LiveFollower(PATTERNS, self.learn)
        self.reads = 0  # database reads of bounds (a replica under load should make few)

    def learn(self, event: Event) -> None:
        """A security event seen live: its keys' tokens stop counting now, in this replica."""
        at, now = _epoch(event.occurred_at), time.monotonic()
        if len(self._cache) > MEMORY_LIMIT:
            self._cache.clear()  # read again from the database as needed
        for key in revoked_keys(event):
            known = self._cache.get(key)
            self._cache[key] = (max(at, known[0] if known else 0.0), now)

    async def record(self, event: Event, uow: UnitOfWork) -> None:
        """Consumer handler: remember when each revoked key's tokens stop counting, in the database for every
        replica (as the unit ends, with its marker) and in this replica's memory at once, as `learn` does. (Forgetting
        the key instead let a request in between read the bound from before the commit, and keep it.)"""
        at = _epoch(event.occurred_at)
        for key in revoked_keys(event):
            uow.update(self.rows, {"_id": key}, {"$max": {"notBefore": at}}, upsert=True)
        self.learn(event)

    async def is_stale(self, claims: dict[str, Any]) -> bool:
        # `iat` has whole seconds; the users service adds `iat_ms`, since a change often
        # follows a sign-in within the same second.
        issued = claims.get("iat_ms")
        issued_s = issued / 1000 if isinstance(issued, int) else float(claims.get("iat") or 0)
        return any(issued_s < bound for bound in await self._bounds(keys_of(claims)))

    def _trust_seconds(self) -> float:
        following, resumed = self.follower.trusted()
        if resumed:  # the events of the gap are in the database only
            self._cache.clear()
        return self.cache_seconds if following else self.unwatched_seconds

    async def _bounds(self, keys: Iterable[str]) -> list[float]:
        now, trust = time.monotonic(), self._trust_seconds()
        missing = [k for k in keys if k not in self._cache or now - self._cache[k][1] > trust]
        if missing:
            self.reads += 1
            rows = await self.rows.find({"_id": {"$in": missing}}).to_list(None)
            found = {row["_id"]: row["notBefore"] for row in rows}
            for key in missing:
                # a bound `learn` heard while this read was under way is newer than what the read found: keep it
                heard = self._cache.get(key, (0.0, 0.0))[0]
                self._cache[key] = (max(found.get(key, 0.0), heard), now)
        return [self._cache[k][0] for k in keys if k in self._cache]


def _epoch(at: datetime) -> float:
    return at.timestamp()
