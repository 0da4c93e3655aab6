"""Login, token refresh, logout, password change and reset."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Forbidden, RateLimited, Unauthenticated
from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.users import store, validation
from subgraphs.users.accounts import presence
from subgraphs.users.accounts.drafts import AccountStatus
from subgraphs.users.auth import password_tokens, sessions
from subgraphs.users.deps import UsersDeps
from subgraphs.users.roles.rules import effective_permissions
from subgraphs.users.roles.service import find_role
from subgraphs.users.security.passwords import check_policy
from subgraphs.users.security.secrets import is_access_code

BAD_CREDENTIALS = "the access code, e-mail or password is not right"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    access_expires_at: int
    refresh_token: str
    refresh_expires_at: Any
    user: dict[str, Any]
    claims: dict[str, Any]


async def _company_for_login(deps: UsersDeps, access_code: str | None) -> dict[str, Any] | None:
    if access_code:
        if not is_access_code(access_code):
            return None
        return await deps.db[store.COMPANIES].find_one({"accessCode": access_code, "deleted": False})
    return await deps.db[store.COMPANIES].find_one({"isPlatform": True})


def ensure_company_usable(company: dict[str, Any]) -> None:
    if company.get("deleted"):
        raise Unauthenticated(BAD_CREDENTIALS, reason="BAD_CREDENTIALS")
    if company.get("status") == "suspended":
        raise Forbidden("your company's access is suspended; contact the platform operator", reason="COMPANY_SUSPENDED")
    ends = (company.get("licence") or {}).get("endsAt")
    if ends is not None and ends <= clock.now():
        raise Forbidden("your company's licence has expired; contact the platform operator", reason="LICENCE_EXPIRED")


async def login(deps: UsersDeps, *, access_code: str | None, email: str, password: str, ip: str,
                user_agent: str | None) -> Tokens:
    try:
        address = validation.email(email)
    except BadUserInput:
        address = email.strip().lower()
    account_key, source_key = f"account:{access_code or '-'}:{address}", f"source:{ip}"
    waits = [await deps.login_failures.retry_after(key) for key in (account_key, source_key)]
    if any(waits):
        raise RateLimited(f"too many failed sign-ins; try again in {max(w or 0 for w in waits)} seconds",
                          retry_after=max(w or 0 for w in waits))
    company = await _company_for_login(deps, access_code)
    user = None
    if company is not None:
        user = await deps.db[store.USERS].find_one({"companyId": company["_id"], "email": address, "deleted": False})
    verified = await deps.passwords.verify(user.get("passwordHash") if user else None, password)
    if not verified or user is None or company is None:
        await deps.login_failures.record(account_key, source_key)
        raise Unauthenticated(BAD_CREDENTIALS, reason="BAD_CREDENTIALS")
    await deps.login_failures.clear(account_key)
    ensure_company_usable(company)
    if user["status"] != AccountStatus.ACTIVE:
        raise Forbidden("your account is deactivated; ask your company administrator", reason="ACCOUNT_INACTIVE")
    if deps.passwords.needs_rehash(user["passwordHash"]):
        await deps.db[store.USERS].update_one({"_id": user["_id"]},
                                              {"$set": {"passwordHash": await deps.passwords.hash(password)}})
    session_id = await sessions.open_session(deps.db, user=user, ip=ip, user_agent=user_agent,
                                             max_age=timedelta(seconds=deps.settings.session_max_age))
    await deps.db[store.USERS].update_one({"_id": user["_id"]}, {"$set": {"lastLoginAt": clock.now()}})
    deps.user_docs.drop(user["_id"])  # written without an event
    user = await presence.signed_in(deps, user)
    return await _tokens(deps, user=user, company=company, session_id=session_id)


async def _tokens(deps: UsersDeps, *, user: dict[str, Any], company: dict[str, Any], session_id: str) -> Tokens:
    role = await find_role(deps.db, user["roleId"], company_id=user["companyId"])
    claims = {
        "sub": user["_id"], "cid": user["companyId"], "rid": user["roleId"], "lvl": (role or {}).get("level", 0),
        "perm": sorted(effective_permissions(user, role)), "plat": bool(company.get("isPlatform")),
        "sid": session_id,
    }
    access, expires = deps.signer.issue_access_token(claims)
    refresh = await sessions.issue_refresh(deps.db, session_id=session_id, user=user,
                                           ttl=timedelta(seconds=deps.settings.refresh_token_ttl))
    return Tokens(access, expires, refresh.token, refresh.expires_at, user, claims)


async def refresh(deps: UsersDeps, *, refresh_token: str) -> Tokens:
    try:
        row = await sessions.consume_refresh(deps.db, refresh_token)
    except sessions.RefreshReused as reused:
        await _revoke_stolen_family(deps, reused.row)
        raise Unauthenticated(
            "this refresh token was already used; the session has been closed for safety", reason="REFRESH_REUSED"
        ) from None
    session = await sessions.active_session(deps.db, row["familyId"])
    if session is None:
        raise Unauthenticated("this session has ended; sign in again", reason="SESSION_REVOKED")
    user, company = await asyncio.gather(
        deps.db[store.USERS].find_one({"_id": row["userId"], "deleted": False}),
        deps.db[store.COMPANIES].find_one({"_id": row["companyId"]}),
    )
    if user is None or company is None or user["status"] != AccountStatus.ACTIVE:
        await sessions.revoke_sessions(deps.db, {"_id": session["_id"]}, reason="account unavailable")
        raise Unauthenticated("this account can no longer sign in", reason="ACCOUNT_INACTIVE")
    ensure_company_usable(company)
    await deps.db[store.SESSIONS].update_one({"_id": session["_id"]}, {"$set": {"lastUsedAt": clock.now()}})
    return await _tokens(deps, user=user, company=company, session_id=session["_id"])


async def _revoke_stolen_family(deps: UsersDeps, row: dict[str, Any]) -> None:
    async def work(uow: UnitOfWork) -> None:
        await sessions.revoke_sessions(deps.db, {"_id": row["familyId"]}, reason="refresh token reused",
                                       session=uow.session)
        uow.emit(user_events.USER_SESSION_REVOKED, {"userId": row["userId"], "sessionId": row["familyId"],
                                          "reason": "refresh token reused"},
                 company_id=row["companyId"], actor_id=None)

    await deps.outbox.transaction(work)


async def logout(deps: UsersDeps, actor: Principal, *, everywhere: bool) -> int:
    target = {"userId": actor.user_id} if everywhere else {"_id": actor.session_id}

    async def work(uow: UnitOfWork) -> int:
        revoked = await sessions.revoke_sessions(deps.db, target, reason="signed out", session=uow.session)
        uow.emit(user_events.USER_SIGNED_OUT, {"userId": actor.user_id, "sessionId": actor.session_id,
                                     "everywhere": everywhere},
                 company_id=actor.company_id, actor_id=actor.user_id)
        await presence.signed_out(deps, uow, actor.user_id)
        return revoked

    return await deps.outbox.transaction(work)


async def change_password(deps: UsersDeps, actor: Principal, *, current: str, new: str) -> bool:
    # A stolen access token must not become a way to guess the password: same lockout as login.
    key = f"change-password:{actor.user_id}"
    wait = await deps.login_failures.retry_after(key)
    if wait:
        raise RateLimited(f"too many wrong passwords; try again in {wait} seconds", retry_after=wait)
    user = await deps.db[store.USERS].find_one({"_id": actor.user_id, "deleted": False})
    if user is None or not await deps.passwords.verify(user.get("passwordHash"), current):
        await deps.login_failures.record(key)
        raise BadUserInput("the current password is not right", field="currentPassword")
    check_policy(new, email=user["email"], field="newPassword")
    if current == new:
        raise BadUserInput("the new password must differ from the current one", field="newPassword")
    new_hash = await deps.passwords.hash(new)

    async def work(uow: UnitOfWork) -> None:
        await deps.db[store.USERS].update_one({"_id": user["_id"]}, {"$set": {
            "passwordHash": new_hash, "passwordChangedAt": clock.now()}}, session=uow.session)
        # Other devices must sign in again with the new password; this one stays.
        await sessions.revoke_sessions(deps.db, {"userId": user["_id"], "_id": {"$ne": actor.session_id}},
                                       reason="password changed", session=uow.session)
        uow.emit(user_events.USER_PASSWORD_CHANGED, {"userId": user["_id"], "email": user["email"],
                                           "language": user["language"]},
                 company_id=user["companyId"], actor_id=actor.user_id)

    await deps.outbox.transaction(work)
    return True


async def request_reset(deps: UsersDeps, *, access_code: str | None, email: str, ip: str) -> None:
    """Send a reset link if the account exists; the caller learns nothing either way."""
    try:
        address = validation.email(email)
    except BadUserInput:
        return
    key = f"reset:{access_code or '-'}:{address}"
    if await deps.reset_requests.retry_after(key) or await deps.reset_requests.retry_after(f"reset-source:{ip}"):
        return  # quietly: a flood of reset mails is its own attack
    await deps.reset_requests.record(key, f"reset-source:{ip}")
    company = await _company_for_login(deps, access_code)
    if company is None or company.get("deleted"):
        return
    user = await deps.db[store.USERS].find_one({"companyId": company["_id"], "email": address, "deleted": False,
                                                "status": AccountStatus.ACTIVE})
    if user is None:
        return

    async def work(uow: UnitOfWork) -> None:
        token, expires = await password_tokens.issue(
            deps.db, user=user, purpose="reset", ttl=timedelta(seconds=deps.settings.password_reset_ttl),
            session=uow.session,
        )
        uow.emit(user_events.PASSWORD_RESET_REQUESTED, {
            "userId": user["_id"], "email": user["email"], "firstName": user["firstName"],
            "language": user["language"], "resetUrl": f"{deps.settings.app_url}/reset-password?token={token}",
            "expiresAt": expires.isoformat(), "requestedFrom": ip,
        }, company_id=user["companyId"], actor_id=None)

    await deps.outbox.transaction(work)


async def reset_password(deps: UsersDeps, *, token: str, new_password: str) -> bool:
    """Redeem a reset or welcome link: set the password, end every session, lift the lockout."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        row = await password_tokens.redeem(deps.db, token, session=uow.session)
        user = await deps.db[store.USERS].find_one({"_id": row["userId"], "deleted": False,
                                                    "status": AccountStatus.ACTIVE.value}, session=uow.session)
        if user is None:
            raise BadUserInput(password_tokens.INVALID_LINK, field="token")
        check_policy(new_password, email=user["email"], field="newPassword")
        await deps.db[store.USERS].update_one({"_id": user["_id"]}, {"$set": {
            "passwordHash": await deps.passwords.hash(new_password), "passwordChangedAt": clock.now()}},
            session=uow.session)
        await sessions.revoke_sessions(deps.db, {"userId": user["_id"]}, reason="password reset", session=uow.session)
        uow.emit(user_events.USER_PASSWORD_CHANGED, {"userId": user["_id"], "email": user["email"],
                                           "language": user["language"], "via": row["purpose"]},
                 company_id=user["companyId"], actor_id=user["_id"])
        return user

    user = await deps.outbox.transaction(work)
    company = await deps.db[store.COMPANIES].find_one({"_id": user["companyId"]}) or {}
    await deps.login_failures.clear(f"account:{company.get('accessCode') or '-'}:{user['email']}")
    return True
