"""Start-up data: the system roles, the platform company (HQ) and its root administrator."""

from __future__ import annotations

import logging

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import ROOT, Principal
from subgraphs.kernel.errors import AppError, Conflict
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.users import store
from subgraphs.users.accounts.drafts import UserDraft, prepare_user
from subgraphs.users.accounts.service import insert_prepared
from subgraphs.users.deps import UsersDeps
from subgraphs.users.permissions import system_role_id
from subgraphs.users.roles.service import seed_system_roles

log = logging.getLogger(__name__)

PLATFORM_COMPANY_ID = "company_hq"
DEFAULT_ADMIN_PASSWORD = "Aurontek-Platform-2026!"  # development only; printed at start
SYSTEM_ACTOR = Principal(user_id="system", company_id=PLATFORM_COMPANY_ID, permissions=frozenset({ROOT}),
                         role_level=100, is_platform=True)


async def seed(deps: UsersDeps) -> None:
    await seed_system_roles(deps.db)
    now = clock.now()
    await deps.db[store.COMPANIES].update_one(
        {"_id": PLATFORM_COMPANY_ID},
        {"$setOnInsert": {
            "name": "AURONTEK HQ", "taxId": "AURONTEK-HQ", "email": "hq@aurontek.local", "phone": None,
            "address": None, "contacts": [], "licence": None, "status": "active", "isPlatform": True,
            "deleted": False, "deletedAt": None, "createdAt": now, "updatedAt": now, "createdBy": "system",
        }},
        upsert=True,
    )
    await _ensure_root_admin(deps)


async def _ensure_root_admin(deps: UsersDeps) -> None:
    settings = deps.settings
    root_role = system_role_id("platform_root")
    if await deps.db[store.USERS].count_documents({"companyId": PLATFORM_COMPANY_ID, "roleId": root_role,
                                                   "deleted": False}):
        return
    password = settings.admin_password
    if password is None:
        if settings.environment == "production":
            raise SystemExit("AURONTEK_ADMIN_PASSWORD: required in production to create the first platform admin")
        password = DEFAULT_ADMIN_PASSWORD
        log.warning("created the platform admin with the default password; change it",
                    extra={"email": settings.admin_email, "password": password})
    company = await deps.db[store.COMPANIES].find_one({"_id": PLATFORM_COMPANY_ID})
    assert company is not None
    draft = UserDraft(email=settings.admin_email, first_name="Platform", last_name="Administrator",
                      role_id=root_role, password=password, language="en")
    try:
        prepared = await prepare_user(deps.db, SYSTEM_ACTOR, company=company, draft=draft)
    except AppError as exc:
        raise SystemExit(f"AURONTEK_ADMIN_EMAIL / AURONTEK_ADMIN_PASSWORD: {exc.message}") from None
    users = Tenancy(deps.db, SYSTEM_ACTOR).collection(store.USERS)

    async def work(uow: UnitOfWork) -> None:
        await insert_prepared(deps, uow, users, prepared, actor_id="system")

    try:
        await deps.outbox.transaction(work)
    except Conflict:
        pass  # another replica created it first
