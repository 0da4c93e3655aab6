"""The users service trusts its database over token claims: status, role and session are re-read
on every request, so a suspension, a deactivation, a logout or a role change applies at once."""

from __future__ import annotations

import asyncio
from typing import Any

from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import Unauthenticated
from subgraphs.kernel.runtime import Runtime
from subgraphs.users import store
from subgraphs.users.accounts.drafts import AccountStatus
from subgraphs.users.auth.sessions import active_session
from subgraphs.users.roles.rules import effective_permissions
from subgraphs.users.roles.service import find_role


async def load_principal(runtime: Runtime, claims: dict[str, Any]) -> Principal:
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
    return Principal(
        user_id=user["_id"],
        company_id=user["companyId"],
        permissions=effective_permissions(user, role),
        role_id=user["roleId"],
        role_level=(role or {}).get("level", 0),
        is_platform=bool(company.get("isPlatform")),
        session_id=session["_id"],
        issued_at=int(claims.get("iat") or 0),
    )
