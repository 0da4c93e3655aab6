"""The users service trusts its database over token claims: status, role and session are read from it, so a
suspension, a deactivation, a logout or a role change applies at once.

Once read, a caller's principal is kept in memory (a request then costs no database read) until an event says
it changed: this replica's own commits tell it at once, and the live feed tells every replica within moments.
While the feed is away a principal is trusted for one second only; a principal never outlives its session."""

from __future__ import annotations

import asyncio
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.auth.revocations import PATTERNS, revoked_keys
from subgraphs.kernel.errors import Unauthenticated
from subgraphs.kernel.events.follow import FollowedCache
from subgraphs.kernel.runtime import Runtime
from subgraphs.users import store
from subgraphs.users.accounts.drafts import AccountStatus
from subgraphs.users.auth.sessions import active_session
from subgraphs.users.roles.rules import effective_permissions
from subgraphs.users.roles.service import find_role

Key = tuple[str, str, str, str]  # user, company, session, the token's issue time
PrincipalCache = FollowedCache[Key, Principal]


def follow_principals(runtime: Runtime) -> PrincipalCache:
    """This replica's cache, told of its own commits at once and of every replica's through the live feed."""
    cache: PrincipalCache = FollowedCache(PATTERNS, revoked_keys)
    runtime.state["principals"] = cache
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
    since = cache.began()  # a deactivation or logout that commits while this reads is not kept over
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
    tags = (f"user:{principal.user_id}", f"company:{principal.company_id}", f"role:{principal.role_id}",
            f"session:{principal.session_id}")
    cache.put(key, principal, tags, seconds=(session["expiresAt"] - clock.now()).total_seconds(), since=since)
    return principal
