"""The users service trusts its database over token claims: status, role and session are read from it, so a
suspension, a deactivation, a logout or a role change applies at once.

Once read, a caller's principal is kept in memory (a request then costs no database read) until an event says
it changed: this replica's own commits tell it at once, and the live feed tells every replica within moments.
While the feed is away a principal is trusted for one second only; a principal never outlives its session."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.auth.revocations import PATTERNS, revoked_keys
from subgraphs.kernel.errors import Unauthenticated
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.follow import LiveFollower
from subgraphs.kernel.runtime import Runtime
from subgraphs.users import store
from subgraphs.users.accounts.drafts import AccountStatus
from subgraphs.users.auth.sessions import active_session
from subgraphs.users.roles.rules import effective_permissions
from subgraphs.users.roles.service import find_role

Key = tuple[str, str, str, str]  # user, company, session, the token's issue time


class PrincipalCache:
    def __init__(self, *, seconds: float = 60.0, unwatched_seconds: float = 1.0, limit: int = 50_000) -> None:
        self.seconds = seconds
        self.unwatched_seconds = unwatched_seconds
        self.limit = limit
        self._entries: dict[Key, tuple[Principal, float, float]] = {}  # -> (principal, read at, good until)
        self.follower = LiveFollower(PATTERNS, lambda event: self.forget([event]))
        self.loads = 0  # principals read from the database

    def get(self, key: Key) -> Principal | None:
        following, resumed = self.follower.trusted()
        if resumed:
            self._entries.clear()
        entry, now = self._entries.get(key), time.monotonic()
        if entry is None or entry[2] <= now or (not following and entry[1] + self.unwatched_seconds <= now):
            return None
        return entry[0]

    def put(self, key: Key, principal: Principal, session_left: float) -> None:
        if len(self._entries) >= self.limit:
            self._entries.clear()
        now = time.monotonic()
        self._entries[key] = (principal, now, now + min(self.seconds, session_left))

    def forget(self, events: Iterable[Event]) -> None:
        """Drop the principals a security event changed: its person's, session's, role's or company's."""
        keys = {key for event in events for key in revoked_keys(event)}
        if not keys:
            return
        for cached, (principal, _, _) in list(self._entries.items()):
            if keys & {f"user:{principal.user_id}", f"company:{principal.company_id}", f"role:{principal.role_id}",
                       f"session:{cached[2]}"}:
                self._entries.pop(cached, None)


def follow_principals(runtime: Runtime) -> PrincipalCache:
    """This replica's cache, told of its own commits at once and of every replica's through the live feed."""
    cache = runtime.state["principals"] = PrincipalCache()
    runtime.outbox.committed.append(cache.forget)
    runtime.follow(cache.follower)
    return cache


async def load_principal(runtime: Runtime, claims: dict[str, Any]) -> Principal:
    cache: PrincipalCache = runtime.state["principals"]
    key = (str(claims["sub"]), str(claims.get("cid")), str(claims.get("sid")), str(claims.get("iat_ms") or
                                                                                    claims.get("iat")))
    known = cache.get(key)
    if known is not None:
        return known
    cache.loads += 1
    db = runtime.db
    user, company, session = await asyncio.gather(
        db[store.USERS].find_one({"_id": claims["sub"], "companyId": claims.get("cid"), "deleted": False}),
        db[store.COMPANIES].find_one({"_id": claims.get("cid"), "deleted": False}),
        active_session(db, str(claims.get("sid"))),
    )
    if session is None or session["userId"] != claims["sub"]:
        raise Unauthenticated("this session has ended; sign in again", reason="SESSION_REVOKED")
    if user is None or user["status"] != AccountStatus.ACTIVE:
        raise Unauthenticated("this account can no longer sign in", reason="ACCOUNT_INACTIVE")
    if company is None or company.get("status") == "suspended":
        raise Unauthenticated("your company's access is suspended", reason="COMPANY_SUSPENDED")
    role = await find_role(db, user["roleId"], company_id=user["companyId"])
    principal = Principal(
        user_id=user["_id"],
        company_id=user["companyId"],
        permissions=effective_permissions(user, role),
        role_id=user["roleId"],
        role_level=(role or {}).get("level", 0),
        is_platform=bool(company.get("isPlatform")),
        session_id=session["_id"],
        issued_at=int(claims.get("iat") or 0),
    )
    cache.put(key, principal, (session["expiresAt"] - clock.now()).total_seconds())
    return principal
