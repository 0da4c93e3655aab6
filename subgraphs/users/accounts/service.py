"""Creating and changing user accounts; every change is one transaction with its event."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Conflict, NotFound
from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.files.content import sniff_content_type
from subgraphs.kernel.tenancy import Tenancy, TenantCollection
from subgraphs.users import store, validation
from subgraphs.users.accounts.drafts import AccountStatus, ActivityStatus, Prepared, UserDraft, prepare_user
from subgraphs.users.auth import password_tokens
from subgraphs.users.auth.sessions import revoke_sessions
from subgraphs.users.deps import UsersDeps
from subgraphs.users.roles.rules import (
    effective_permissions,
    ensure_can_assign,
    ensure_can_grant,
    ensure_can_manage_user,
    validate_permissions,
)
from subgraphs.users.roles.service import find_role, roles_by_ids

PHOTO_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Roles whose last active holder a company must never lose.
KEEPER_ROLES = ("role_company_admin", "role_platform_root")


def snapshot(user: dict[str, Any], role: dict[str, Any] | None) -> dict[str, Any]:
    """What other services learn about a user through events (their read models use it)."""
    return {
        "userId": user["_id"], "companyId": user["companyId"], "email": user["email"],
        "firstName": user["firstName"], "lastName": user["lastName"], "language": user["language"],
        "jobTitle": user.get("jobTitle"), "roleId": user["roleId"], "roleKey": (role or {}).get("key"),
        "roleName": (role or {}).get("name"), "roleLevel": (role or {}).get("level", 0),
        "permissions": sorted(effective_permissions(user, role)), "skills": user["skills"],
        "careGroups": user["careGroups"], "activityStatus": user["activityStatus"], "status": user["status"],
    }


async def company_or_404(tenancy: Tenancy, company_id: str, *, permission: str) -> dict[str, Any]:
    company = await tenancy.of(store.COMPANIES, company_id, permission=permission, field="_id").find_one(
        {"deleted": False}
    )
    if company is None:
        raise NotFound("no such company", companyId=company_id)
    return company


async def insert_prepared(deps: UsersDeps, uow: UnitOfWork, users: TenantCollection, prepared: Prepared,
                          *, actor_id: str) -> None:
    """Insert a prepared user with its welcome link (when no password was set) and its event."""
    doc = prepared.doc
    if prepared.password is not None:
        doc["passwordHash"] = await deps.passwords.hash(prepared.password)
        doc["passwordChangedAt"] = clock.now()
    try:
        await users.insert_one(doc, session=uow.session)
    except DuplicateKeyError:
        raise Conflict(f"a user with the e-mail {doc['email']} already exists in this company", field="email") from None
    data = snapshot(doc, prepared.role)
    if prepared.password is None:
        token, expires = await password_tokens.issue(
            deps.db, user=doc, purpose="welcome", ttl=timedelta(seconds=deps.settings.welcome_link_ttl),
            session=uow.session,
        )
        data["setPasswordUrl"] = f"{deps.settings.app_url}/set-password?token={token}"
        data["setPasswordExpiresAt"] = expires.isoformat()
    uow.emit(user_events.USER_CREATED, data, company_id=doc["companyId"], actor_id=actor_id)


async def create_user(deps: UsersDeps, tenancy: Tenancy, actor: Principal, *, company_id: str | None,
                      draft: UserDraft) -> dict[str, Any]:
    company = await company_or_404(tenancy, company_id or actor.company_id, permission="users.create")
    prepared = await prepare_user(deps.db, actor, company=company, draft=draft)
    users = tenancy.of(store.USERS, company["_id"], permission="users.create")

    async def work(uow: UnitOfWork) -> None:
        await insert_prepared(deps, uow, users, prepared, actor_id=actor.user_id)

    await deps.outbox.transaction(work)
    return prepared.doc


async def locate(tenancy: Tenancy, actor: Principal, user_id: str, *, permission: str | None
                 ) -> tuple[dict[str, Any], TenantCollection]:
    """The live user `user_id`, in the caller's company or (with the global permission) any.

    With `permission` None the caller acts on themself and needs no permission.
    """
    own = tenancy.collection(store.USERS)
    user = await own.find_one({"_id": user_id, "deleted": False})
    if user is None and permission is not None and actor.holds(permission + ".global"):
        user = await tenancy.everywhere(store.USERS, permission=permission).find_one({"_id": user_id, "deleted": False})
    if user is None or (permission is None and user_id != actor.user_id):
        raise NotFound("no such user", userId=user_id)
    if permission is None:
        return user, own
    return user, tenancy.of(store.USERS, user["companyId"], permission=permission)


async def _managed(deps: UsersDeps, tenancy: Tenancy, actor: Principal, user_id: str, permission: str
                   ) -> tuple[dict[str, Any], dict[str, Any] | None, TenantCollection]:
    user, users = await locate(tenancy, actor, user_id, permission=permission)
    role = await find_role(deps.db, user["roleId"], company_id=user["companyId"])
    ensure_can_manage_user(actor, (role or {}).get("level", 0), target_id=user_id)
    return user, role, users


async def _apply(deps: UsersDeps, users: TenantCollection, actor: Principal, user: dict[str, Any],
                 changes: dict[str, Any], *, event: str = user_events.USER_UPDATED,
                 revoke_reason: str | None = None) -> dict[str, Any]:
    changes = {k: v for k, v in changes.items() if user.get(k) != v}
    if not changes:
        return user
    changes["updatedAt"] = clock.now()

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        try:
            updated = await users.find_one_and_update({"_id": user["_id"], "deleted": False}, {"$set": changes},
                                                      session=uow.session, return_document=True)
        except DuplicateKeyError:
            raise Conflict("a user with this e-mail already exists in this company", field="email") from None
        if updated is None:
            raise NotFound("no such user", userId=user["_id"])
        if revoke_reason:
            await revoke_sessions(deps.db, {"userId": user["_id"]}, reason=revoke_reason, session=uow.session)
            await password_tokens.void(deps.db, user["_id"], session=uow.session)
        role = await find_role(deps.db, updated["roleId"], company_id=updated["companyId"])
        data = {**snapshot(updated, role), "changed": sorted(k for k in changes if k != "updatedAt")}
        uow.emit(event, data, company_id=updated["companyId"], actor_id=actor.user_id)
        return updated

    return await deps.outbox.transaction(work)


PROFILE_FIELDS = ("firstName", "lastName", "phone", "jobTitle", "language")


def profile_changes(values: dict[str, Any]) -> dict[str, Any]:
    """Validate the profile fields present in `values` (None means: leave unchanged)."""
    validators: dict[str, Callable[[Any], Any]] = {
        "firstName": lambda v: validation.text(v, field="firstName", max_length=60),
        "lastName": lambda v: validation.text(v, field="lastName", max_length=60),
        "phone": validation.phone,
        "jobTitle": lambda v: validation.optional_text(v, field="jobTitle", max_length=100),
        "language": validation.language,
        "email": validation.email,
    }
    return {key: validators[key](value) for key, value in values.items() if value is not None}


async def update_user(deps: UsersDeps, tenancy: Tenancy, actor: Principal, user_id: str, *,
                      values: dict[str, Any], skills: list[str] | None = None,
                      care_groups: list[str] | None = None) -> dict[str, Any]:
    user, _role, users = await _managed(deps, tenancy, actor, user_id, "users.update")
    changes = profile_changes(values)
    if skills is not None or care_groups is not None:
        if not actor.can("skills.manage", user["companyId"]):
            raise BadUserInput("setting skills or care groups needs the skills.manage permission", field="skills")
        if skills is not None:
            changes["skills"] = validation.labels(skills, field="skills")
        if care_groups is not None:
            changes["careGroups"] = validation.labels(care_groups, field="careGroups")
    return await _apply(deps, users, actor, user, changes)


async def update_me(deps: UsersDeps, tenancy: Tenancy, actor: Principal, *, values: dict[str, Any]) -> dict[str, Any]:
    user, users = await locate(tenancy, actor, actor.user_id, permission=None)
    return await _apply(deps, users, actor, user, profile_changes({k: values.get(k) for k in PROFILE_FIELDS}))


async def set_activity(deps: UsersDeps, tenancy: Tenancy, actor: Principal, status: ActivityStatus) -> dict[str, Any]:
    user, users = await locate(tenancy, actor, actor.user_id, permission=None)
    return await _apply(deps, users, actor, user, {"activityStatus": status.value})


async def assign_role(deps: UsersDeps, tenancy: Tenancy, actor: Principal, user_id: str, role_id: str
                      ) -> dict[str, Any]:
    user, _current, users = await _managed(deps, tenancy, actor, user_id, "roles.assign")
    if user_id == actor.user_id:
        raise BadUserInput("you cannot change your own role", field="userId")
    role = await find_role(deps.db, role_id, company_id=user["companyId"])
    if role is None:
        raise NotFound("no such role in this company", roleId=role_id)
    company = await company_or_404(tenancy, user["companyId"], permission="roles.assign")
    ensure_can_assign(actor, role, target_is_platform=bool(company.get("isPlatform")))
    if role_id != user["roleId"]:
        await _ensure_not_last_keeper(deps, user)
    return await _apply(deps, users, actor, user, {"roleId": role_id}, event=user_events.USER_UPDATED)


async def set_permissions(deps: UsersDeps, tenancy: Tenancy, actor: Principal, user_id: str, *,
                          grant: list[str], revoke: list[str]) -> dict[str, Any]:
    user, _role, users = await _managed(deps, tenancy, actor, user_id, "permissions.grant")
    company = await company_or_404(tenancy, user["companyId"], permission="permissions.grant")
    granted = validate_permissions(grant, platform=bool(company.get("isPlatform")))
    ensure_can_grant(actor, granted)
    ensure_can_grant(actor, revoke)  # taking away is as sensitive as giving
    own = (set(user.get("permissions") or ()) | set(granted)) - set(revoke)
    return await _apply(deps, users, actor, user, {"permissions": sorted(own)})


async def _ensure_not_last_keeper(deps: UsersDeps, user: dict[str, Any]) -> None:
    if user["roleId"] not in KEEPER_ROLES:
        return
    others = await deps.db[store.USERS].count_documents({
        "companyId": user["companyId"], "roleId": user["roleId"], "_id": {"$ne": user["_id"]},
        "deleted": False, "status": AccountStatus.ACTIVE.value,
    })
    if others == 0:
        raise Conflict("this is the company's last active administrator; appoint another one first")


async def deactivate(deps: UsersDeps, tenancy: Tenancy, actor: Principal, user_id: str) -> dict[str, Any]:
    user, _role, users = await _managed(deps, tenancy, actor, user_id, "users.deactivate")
    if user_id == actor.user_id:
        raise BadUserInput("you cannot deactivate yourself", field="userId")
    await _ensure_not_last_keeper(deps, user)
    return await _apply(deps, users, actor, user, {"status": AccountStatus.INACTIVE.value,
                                                   "activityStatus": ActivityStatus.OFFLINE.value},
                        event=user_events.USER_DEACTIVATED, revoke_reason="user deactivated")


async def reactivate(deps: UsersDeps, tenancy: Tenancy, actor: Principal, user_id: str) -> dict[str, Any]:
    user, _role, users = await _managed(deps, tenancy, actor, user_id, "users.deactivate")
    return await _apply(deps, users, actor, user, {"status": AccountStatus.ACTIVE.value},
                        event=user_events.USER_REACTIVATED)


async def delete(deps: UsersDeps, tenancy: Tenancy, actor: Principal, user_id: str) -> bool:
    user, _role, users = await _managed(deps, tenancy, actor, user_id, "users.delete")
    if user_id == actor.user_id:
        raise BadUserInput("you cannot delete yourself", field="userId")
    await _ensure_not_last_keeper(deps, user)
    await _apply(deps, users, actor, user, {"deleted": True, "deletedAt": clock.now(),
                                            "status": AccountStatus.INACTIVE.value},
                 event=user_events.USER_DELETED, revoke_reason="user deleted")
    return True


async def upload_photo(deps: UsersDeps, tenancy: Tenancy, actor: Principal, user_id: str, *,
                       content_base64: str | None, data: bytes | None = None) -> dict[str, Any]:
    """A profile photo: its bytes (`data`, sent as a file) or base64 text (deprecated)."""
    if user_id == actor.user_id:
        user, users = await locate(tenancy, actor, user_id, permission=None)
    else:
        user, _role, users = await _managed(deps, tenancy, actor, user_id, "users.update")
    field = "file" if data is not None else "contentBase64"
    if data is None:
        if content_base64 is None:
            raise BadUserInput("send the photo in `file` (or its bytes in contentBase64)", field="file")
        try:
            data = base64.b64decode(content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise BadUserInput("the photo is not valid base64", field=field) from None
    if not data:
        raise BadUserInput("the photo is empty", field=field)
    if len(data) > deps.settings.max_photo_bytes:
        raise BadUserInput(f"the photo is over {deps.settings.max_photo_bytes // 1024} KiB", field=field)
    content_type = sniff_content_type(data)
    if content_type not in PHOTO_TYPES:
        raise BadUserInput("the photo must be a PNG, JPEG, GIF or WebP image", field=field)
    stored = await deps.storage.save(folder=f"photos/{user['companyId']}", data=data, content_type=content_type)
    return await _apply(deps, users, actor, user, {"photo": {"key": stored.key, "contentType": stored.content_type}})


async def roles_of(deps: UsersDeps, users: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return await roles_by_ids(deps.db, sorted({u["roleId"] for u in users}))
