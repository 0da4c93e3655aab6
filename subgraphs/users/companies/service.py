"""Creating and running companies: the tenant, its first admin, access code, licence and status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymongo.errors import DuplicateKeyError

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Conflict, Forbidden, NotFound
from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.users import store, validation
from subgraphs.users.accounts.drafts import UserDraft, prepare_user
from subgraphs.users.accounts.service import insert_prepared
from subgraphs.users.auth.sessions import revoke_sessions
from subgraphs.users.companies.licence import Plan, licence, renewal_start
from subgraphs.users.deps import UsersDeps
from subgraphs.users.permissions import system_role_id
from subgraphs.users.security.secrets import new_access_code


class CompanyStatus:
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class CompanyDraft:
    name: str
    tax_id: str
    email: str
    phone: str | None = None
    address: str | None = None
    contacts: tuple[dict[str, Any], ...] = ()
    plan: Plan = Plan.MONTHLY


def contacts(values: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(values) > 20:
        raise BadUserInput("at most 20 contacts", field="contacts")
    return [
        {
            "name": validation.text(c.get("name") or "", field="contacts.name", max_length=100),
            "email": validation.email(c["email"], field="contacts.email") if c.get("email") else None,
            "phone": validation.phone(c.get("phone"), field="contacts.phone"),
            "title": validation.optional_text(c.get("title"), field="contacts.title", max_length=100),
        }
        for c in values
    ]


def _duplicate(exc: DuplicateKeyError) -> Conflict:
    key = str((exc.details or {}).get("keyPattern") or exc)
    if "taxId" in key:
        return Conflict("a company with this tax id already exists", field="taxId")
    if "accessCode" in key:
        return Conflict("access code collision; try again")
    return Conflict("a company with this e-mail already exists", field="email")


async def create_company(deps: UsersDeps, tenancy: Tenancy, actor: Principal, *, draft: CompanyDraft,
                         admin: UserDraft) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new tenant with its first company administrator, in one transaction."""
    if not actor.holds("companies.create.global"):
        raise Forbidden("only platform staff create companies", permission="companies.create.global")
    now = clock.now()
    company: dict[str, Any] = {
        "_id": new_id(),
        "name": validation.text(draft.name, field="name", max_length=120),
        "taxId": validation.tax_id(draft.tax_id),
        "email": validation.email(draft.email),
        "phone": validation.phone(draft.phone),
        "address": validation.optional_text(draft.address, field="address", max_length=300),
        "contacts": contacts(draft.contacts),
        "accessCode": new_access_code(),
        "licence": licence(draft.plan, now),
        "status": CompanyStatus.ACTIVE,
        "isPlatform": False,
        "deleted": False,
        "deletedAt": None,
        "createdAt": now,
        "updatedAt": now,
        "createdBy": actor.user_id,
    }
    admin_draft = UserDraft(**{**admin.__dict__, "role_id": system_role_id("company_admin")})
    prepared = await prepare_user(deps.db, actor, company=company, draft=admin_draft)
    companies = tenancy.everywhere(store.COMPANIES, permission="companies.create", field="_id")
    users = tenancy.of(store.USERS, company["_id"], permission="users.create")

    async def work(uow: UnitOfWork) -> None:
        try:
            await companies.insert_one(company, session=uow.session)
        except DuplicateKeyError as exc:
            raise _duplicate(exc) from None
        uow.emit(user_events.COMPANY_CREATED, _company_event(company), company_id=company["_id"],
                 actor_id=actor.user_id)
        await insert_prepared(deps, uow, users, prepared, actor_id=actor.user_id)

    await deps.outbox.transaction(work)
    return company, prepared.doc


async def find_company(tenancy: Tenancy, company_id: str, *, permission: str) -> dict[str, Any]:
    company = await tenancy.of(store.COMPANIES, company_id, permission=permission, field="_id").find_one(
        {"deleted": False}
    )
    if company is None:
        raise NotFound("no such company", companyId=company_id)
    return company


async def _change(deps: UsersDeps, tenancy: Tenancy, actor: Principal, company_id: str, *, permission: str,
                  changes: dict[str, Any], event: str | None, event_data: dict[str, Any] | None = None,
                  revoke_reason: str | None = None) -> dict[str, Any]:
    company = await find_company(tenancy, company_id, permission=permission)
    companies = tenancy.of(store.COMPANIES, company_id, permission=permission, field="_id")
    changes = {**changes, "updatedAt": clock.now()}

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        try:
            updated = await companies.find_one_and_update({"deleted": False}, {"$set": changes}, session=uow.session,
                                                          return_document=True)
        except DuplicateKeyError as exc:
            raise _duplicate(exc) from None
        if updated is None:
            raise NotFound("no such company", companyId=company_id)
        if revoke_reason:
            await revoke_sessions(deps.db, {"companyId": company_id}, reason=revoke_reason, session=uow.session)
        if event:
            data = {**_company_event(updated), **(event_data or {})}
            uow.emit(event, data, company_id=company_id, actor_id=actor.user_id)
        return updated

    if company.get("isPlatform") and revoke_reason:
        raise Forbidden("the platform company cannot be suspended or deleted")
    return await deps.outbox.transaction(work)


async def update_company(deps: UsersDeps, tenancy: Tenancy, actor: Principal, company_id: str, *,
                         values: dict[str, Any]) -> dict[str, Any]:
    validators: dict[str, Callable[[Any], Any]] = {
        "name": lambda v: validation.text(v, field="name", max_length=120),
        "email": validation.email,
        "phone": validation.phone,
        "address": lambda v: validation.optional_text(v, field="address", max_length=300),
        "contacts": contacts,
        "taxId": validation.tax_id,
    }
    changes = {key: validators[key](value) for key, value in values.items() if value is not None}
    if "taxId" in changes and not actor.holds("companies.update.global"):
        raise Forbidden("only platform staff change a company's tax id")
    return await _change(deps, tenancy, actor, company_id, permission="companies.update", changes=changes,
                         event=user_events.COMPANY_UPDATED, event_data={"changed": sorted(changes)})


async def regenerate_access_code(deps: UsersDeps, tenancy: Tenancy, actor: Principal, company_id: str
                                 ) -> dict[str, Any]:
    company = await find_company(tenancy, company_id, permission="companies.access_code")
    if company.get("isPlatform"):
        raise BadUserInput("platform staff sign in without an access code", field="companyId")
    return await _change(deps, tenancy, actor, company_id, permission="companies.access_code",
                         changes={"accessCode": new_access_code()}, event=user_events.COMPANY_ACCESS_CODE_CHANGED)


async def renew_licence(deps: UsersDeps, tenancy: Tenancy, actor: Principal, company_id: str, plan: Plan
                        ) -> dict[str, Any]:
    if not actor.holds("companies.license.global"):
        raise Forbidden("only platform staff renew licences", permission="companies.license.global")
    company = await find_company(tenancy, company_id, permission="companies.license")
    start = renewal_start(company.get("licence"), clock.now())
    return await _change(deps, tenancy, actor, company_id, permission="companies.license",
                         changes={"licence": licence(plan, start)}, event=user_events.COMPANY_LICENCE_RENEWED)


async def set_suspended(deps: UsersDeps, tenancy: Tenancy, actor: Principal, company_id: str, *,
                        suspended: bool, reason: str | None = None) -> dict[str, Any]:
    if not actor.holds("companies.suspend.global"):
        raise Forbidden("only platform staff suspend companies", permission="companies.suspend.global")
    if suspended:
        why = validation.text(reason or "", field="reason", max_length=300)
        return await _change(deps, tenancy, actor, company_id, permission="companies.suspend",
                             changes={"status": CompanyStatus.SUSPENDED, "suspendedAt": clock.now(),
                                      "suspendedReason": why},
                             event=user_events.COMPANY_SUSPENDED, event_data={"reason": why},
                             revoke_reason="company suspended")
    return await _change(deps, tenancy, actor, company_id, permission="companies.suspend",
                         changes={"status": CompanyStatus.ACTIVE, "suspendedAt": None, "suspendedReason": None},
                         event=user_events.COMPANY_REACTIVATED)


async def delete_company(deps: UsersDeps, tenancy: Tenancy, actor: Principal, company_id: str) -> bool:
    if not actor.holds("companies.delete.global"):
        raise Forbidden("only platform staff delete companies", permission="companies.delete.global")
    await _change(deps, tenancy, actor, company_id, permission="companies.delete",
                  changes={"deleted": True, "deletedAt": clock.now(), "accessCode": None},
                  event=user_events.COMPANY_DELETED, revoke_reason="company deleted")
    return True


def _company_event(company: dict[str, Any]) -> dict[str, Any]:
    return {
        "companyId": company["_id"], "name": company["name"], "email": company["email"],
        "status": company["status"], "licence": company.get("licence"),
        "contacts": [c.get("email") for c in company.get("contacts") or [] if c.get("email")],
    }
