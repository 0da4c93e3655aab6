"""Reading and changing roles, and seeding the system roles."""

from __future__ import annotations

from typing import Any

from pymongo.errors import DuplicateKeyError

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Conflict, Forbidden, NotFound
from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.users import store, validation
from subgraphs.users.deps import UsersDeps
from subgraphs.users.permissions import SYSTEM_ROLES, is_global, system_role_id
from subgraphs.users.roles.rules import ensure_can_grant, outranks, validate_permissions

MAX_CUSTOM_LEVEL = 99


async def seed_system_roles(db: Database) -> None:
    """Insert or refresh the system roles (their definition lives in code, not in the database)."""
    now = clock.now()
    for role in SYSTEM_ROLES:
        await db[store.ROLES].update_one(
            {"_id": system_role_id(role.key)},
            {
                "$set": {
                    "companyId": None,
                    "key": role.key,
                    "name": role.name,
                    "description": role.description,
                    "level": role.level,
                    "permissions": sorted(role.permissions),
                    "system": True,
                    "platformOnly": role.platform_only,
                    "updatedAt": now,
                },
                "$setOnInsert": {"createdAt": now},
            },
            upsert=True,
        )


async def find_role(db: Database, role_id: str, *, company_id: str) -> dict[str, Any] | None:
    """A role usable in `company_id`: a global role, or one of that company's own.

    Global roles belong to no tenant, so they are read from the raw collection by
    `companyId: None`; company roles go through the caller's tenancy elsewhere.
    """
    return await db[store.ROLES].find_one({"_id": role_id, "companyId": {"$in": [None, company_id]}})


async def roles_by_ids(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = await db[store.ROLES].find({"_id": {"$in": ids}}).to_list(None)
    return {row["_id"]: row for row in rows}


async def list_roles(db: Database, tenancy: Tenancy, *, company_id: str) -> list[dict[str, Any]]:
    own = await tenancy.of(store.ROLES, company_id, permission="roles.read").find({}).to_list(None)
    shared = await db[store.ROLES].find({"companyId": None}).to_list(None)
    return sorted([*shared, *own], key=lambda r: (-r["level"], r["name"]))


async def create_role(
    deps: UsersDeps,
    tenancy: Tenancy,
    actor: Principal,
    *,
    company_id: str | None,
    name: str,
    description: str | None,
    level: int,
    permissions: list[str],
) -> dict[str, Any]:
    """A company role (company_id given) or, for platform staff, a global one (company_id None)."""
    platform = company_id is None
    if company_id is None:
        if not actor.holds("roles.manage.global"):
            raise Forbidden("only platform staff create global roles")
        roles = tenancy.everywhere(store.ROLES, permission="roles.manage")
    else:
        roles = tenancy.of(store.ROLES, company_id, permission="roles.manage")
    clean = validate_permissions(permissions, platform=platform)
    _check_level(actor, level)
    ensure_can_grant(actor, clean)
    now = clock.now()
    doc = {
        "_id": new_id(),
        "companyId": company_id,
        "name": validation.text(name, field="name", max_length=60),
        "description": validation.optional_text(description, field="description", max_length=300),
        "level": level,
        "permissions": clean,
        "system": False,
        "platformOnly": _platform_only(clean),
        "createdAt": now,
        "updatedAt": now,
    }

    async def work(uow: UnitOfWork) -> None:
        try:
            await roles.insert_one(doc, session=uow.session)
        except DuplicateKeyError:
            raise Conflict(f"a role named {doc['name']} already exists", field="name") from None
        uow.emit(user_events.ROLE_CREATED, _role_event(doc), company_id=company_id, actor_id=actor.user_id)

    await deps.outbox.transaction(work)
    return doc


async def update_role(
    deps: UsersDeps,
    tenancy: Tenancy,
    actor: Principal,
    role_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
    level: int | None = None,
    permissions: list[str] | None = None,
) -> dict[str, Any]:
    role, roles = await _editable(deps, tenancy, actor, role_id)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = validation.text(name, field="name", max_length=60)
    if description is not None:
        changes["description"] = validation.optional_text(description, field="description", max_length=300)
    if level is not None:
        _check_level(actor, level)
        changes["level"] = level
    if permissions is not None:
        clean = validate_permissions(permissions, platform=role["companyId"] is None)
        # Granting anything new needs holding it; removing needs only the right to manage the role.
        ensure_can_grant(actor, set(clean) - set(role["permissions"]))
        changes["permissions"] = clean
        changes["platformOnly"] = _platform_only(clean)
        if changes["platformOnly"] and not role.get("platformOnly"):
            await _ensure_held_by_platform_staff_only(tenancy, role)
    if not changes:
        return role
    changes["updatedAt"] = clock.now()

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        try:
            updated = await roles.find_one_and_update({"_id": role_id}, {"$set": changes}, session=uow.session,
                                                      return_document=True)
        except DuplicateKeyError:
            raise Conflict(f"a role named {changes['name']} already exists", field="name") from None
        uow.emit(user_events.ROLE_UPDATED, _role_event(updated), company_id=role["companyId"], actor_id=actor.user_id)
        return updated

    return await deps.outbox.transaction(work)


async def delete_role(deps: UsersDeps, tenancy: Tenancy, actor: Principal, role_id: str) -> bool:
    role, roles = await _editable(deps, tenancy, actor, role_id)
    holders = await deps.db[store.USERS].count_documents({"roleId": role_id, "deleted": False})
    if holders:
        raise Conflict(f"the role {role['name']} still has {holders} users; give them another role first")

    async def work(uow: UnitOfWork) -> None:
        await roles.delete_one({"_id": role_id}, session=uow.session)
        uow.emit(user_events.ROLE_DELETED, {"roleId": role_id}, company_id=role["companyId"], actor_id=actor.user_id)

    await deps.outbox.transaction(work)
    return True


async def _editable(deps: UsersDeps, tenancy: Tenancy, actor: Principal, role_id: str) -> tuple[dict[str, Any], Any]:
    role = await find_role(deps.db, role_id, company_id=actor.company_id)
    if role is None and actor.holds("roles.manage.global"):
        role = await deps.db[store.ROLES].find_one({"_id": role_id})
    if role is None:
        raise NotFound("no such role", roleId=role_id)
    if role.get("system"):
        raise Forbidden(f"{role['name']} is a system role and cannot be changed")
    if role["companyId"] is None:
        roles = tenancy.everywhere(store.ROLES, permission="roles.manage")
    else:
        roles = tenancy.of(store.ROLES, role["companyId"], permission="roles.manage")
    if not outranks(actor, role["level"]):
        raise Forbidden(f"you cannot change the role {role['name']}: it ranks at or above yours")
    return role, roles


def _platform_only(permissions: list[str]) -> bool:
    return any(is_global(p) for p in permissions)


async def _ensure_held_by_platform_staff_only(tenancy: Tenancy, role: dict[str, Any]) -> None:
    """A global role about to gain cross-company reach must not be held in a customer company."""
    holders = await tenancy.everywhere(store.USERS, permission="roles.manage").find(
        {"roleId": role["_id"], "deleted": False}, projection={"companyId": 1}
    ).to_list(None)
    companies = tenancy.everywhere(store.COMPANIES, permission="roles.manage", field="_id")
    if holders and await companies.count_documents(
        {"_id": {"$in": sorted({h["companyId"] for h in holders})}, "isPlatform": {"$ne": True}}
    ):
        raise Conflict(f"users of customer companies hold {role['name']}; global permissions are for platform "
                       "staff only", field="permissions")


def _check_level(actor: Principal, level: int) -> None:
    if not 1 <= level <= MAX_CUSTOM_LEVEL:
        raise BadUserInput(f"level must be between 1 and {MAX_CUSTOM_LEVEL}", field="level")
    if not outranks(actor, level):
        raise Forbidden("you cannot create or raise a role to your own level or above")


def _role_event(role: dict[str, Any]) -> dict[str, Any]:
    return {"roleId": role["_id"], "name": role["name"], "level": role["level"], "permissions": role["permissions"]}
