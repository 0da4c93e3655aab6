"""GraphQL types of the users subgraph: the User, Company and Role entities and their parts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from subgraphs.kernel import clock
from subgraphs.kernel.errors import NotFound
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.graphql.pagination import Connection, Sort, paginate
from subgraphs.users import store
from subgraphs.users.deps import deps_of
from subgraphs.users.permissions import describe, is_global
from subgraphs.users.roles.rules import effective_permissions
from subgraphs.users.roles.service import roles_by_ids

Ctx = Info[RequestContext, None]


@strawberry.enum(description="Whether an agent takes new work. Routing gives tickets only to agents who are "
                             "not OFFLINE. Every account starts OFFLINE; signing in makes an OFFLINE person "
                             "AVAILABLE (a BUSY they chose is kept), and signing out of their last session makes "
                             "them OFFLINE again. setMyActivityStatus changes it in between. BUSY is still routed "
                             "work; only OFFLINE stops routing.")
class ActivityStatus(Enum):
    AVAILABLE = "available"
    BUSY = "busy"
    OFFLINE = "offline"


@strawberry.enum
class AccountStatus(Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"


@strawberry.enum
class CompanyStatus(Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


@strawberry.enum
class LicencePlan(Enum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


@strawberry.enum
class PermissionScope(Enum):
    LOCAL = "local"
    GLOBAL = "global"


@strawberry.enum
class RoleScope(Enum):
    GLOBAL = "global"
    COMPANY = "company"


@strawberry.type(description="A permission a role or a user may hold.")
class Permission:
    key: str
    group: str
    description: str
    scope: PermissionScope

    @classmethod
    def of(cls, key: str) -> Permission:
        spec = describe(key)
        return cls(
            key=key,
            group=spec.group if spec else "root",
            description=spec.description if spec else "Every permission in every company",
            scope=PermissionScope.GLOBAL if is_global(key) else PermissionScope.LOCAL,
        )


# --- entity loaders: one query per request per entity type, tenant-scoped ------------------

def _loader(ctx: RequestContext, collection: str, permission: str, *, field: str = "companyId"):
    kept = deps_of(ctx).user_docs if collection == store.USERS else None

    async def load(ids: Sequence[str]) -> list[dict[str, Any] | None]:
        principal = ctx.require()
        if principal.holds(permission + ".global"):
            scoped = ctx.tenancy.everywhere(collection, permission=permission, field=field)
        else:
            scoped = ctx.tenancy.collection(collection, field=field)
        # what this replica holds, seen through the same scope as the query below
        by_id = {i: doc for i in ids if (doc := kept.get(i) if kept else None) is not None and scoped.covers(doc)}
        missing = [i for i in ids if i not in by_id]
        if missing:
            since = kept.began() if kept is not None else 0
            rows = await scoped.find({"_id": {"$in": missing}, "deleted": False}).to_list(None)
            for row in rows:
                by_id[row["_id"]] = row
                if kept is not None:
                    kept.put(row["_id"], row, (f"user:{row['_id']}",), since=since)
        return [by_id.get(i) for i in ids]

    return ctx.loader(f"{collection}:{permission}", load)


async def load_user(ctx: RequestContext, user_id: str) -> dict[str, Any] | None:
    return await _loader(ctx, store.USERS, "users.read").load(user_id)


async def load_company(ctx: RequestContext, company_id: str) -> dict[str, Any] | None:
    return await _loader(ctx, store.COMPANIES, "companies.read", field="_id").load(company_id)


async def load_role(ctx: RequestContext, role_id: str) -> dict[str, Any] | None:
    async def load(ids: Sequence[str]) -> list[dict[str, Any] | None]:
        principal = ctx.require()
        found = await roles_by_ids(deps_of(ctx).db, list(ids))
        visible = {
            k: v for k, v in found.items()
            if v["companyId"] in (None, principal.company_id) or principal.holds("roles.read.global")
        }
        return [visible.get(i) for i in ids]

    return await ctx.loader("roles", load).load(role_id)


def photo_of(doc: dict[str, Any]) -> dict[str, str] | None:
    """The stored photo; one saved before links were signed has only its old URL, whose tail is its key."""
    if doc.get("photo"):
        return dict(doc["photo"])
    old = doc.get("photoUrl")
    if not old or "/files/" not in old:
        return None
    key = old.split("/files/", 1)[1]
    kind = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
    return {"key": key, "contentType": kind.get(key.rsplit(".", 1)[-1], "application/octet-stream")}


PRIVATE = ("Private: null unless this is you or you hold users.read in their company (as for `user(id:)`), "
           "however the person was reached (a ticket's watchers, a message's author, `_entities`).")


@strawberry.federation.type(keys=["id"], description=(
    "A person who signs in: customer, agent or administrator. Anyone who meets them on a ticket or in a chat sees "
    "who they are (name, photo, whether they are available); their contact details and account only they and "
    "those who may read the company's users see, whichever way the person was reached."))
class User:
    id: strawberry.ID
    # Shareable, as `name`: chat provides them with each message from its own read model (Message.author @provides).
    first_name: str = strawberry.federation.field(shareable=True)
    last_name: str = strawberry.federation.field(shareable=True)
    activity_status: ActivityStatus
    doc: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> User:
        return cls(id=strawberry.ID(doc["_id"]), first_name=doc["firstName"], last_name=doc["lastName"],
                   activity_status=ActivityStatus(doc["activityStatus"]), doc=doc)

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> User | None:
        doc = await load_user(info.context, str(id))
        return cls.from_doc(doc) if doc else None

    def _private(self, info: Ctx, key: str) -> Any:
        """The stored value for those the root query would show this person to, else None: one rule, whatever
        path (root query, another object's field, `_entities`) reached the object."""
        principal = info.context.principal
        if principal is not None and (principal.user_id == self.id
                                      or principal.can("users.read", self.doc["companyId"])):
            return self.doc.get(key)
        return None

    @strawberry.field(description=PRIVATE)
    def email(self, info: Ctx) -> str | None:
        return self._private(info, "email")

    @strawberry.field(description=PRIVATE)
    def phone(self, info: Ctx) -> str | None:
        return self._private(info, "phone")

    @strawberry.field(description=PRIVATE)
    def job_title(self, info: Ctx) -> str | None:
        return self._private(info, "jobTitle")

    @strawberry.field(description=PRIVATE)
    def language(self, info: Ctx) -> str | None:
        return self._private(info, "language")

    @strawberry.field(description=PRIVATE)
    def status(self, info: Ctx) -> AccountStatus | None:
        value = self._private(info, "status")
        return AccountStatus(value) if value else None

    @strawberry.field(description=PRIVATE)
    def skills(self, info: Ctx) -> list[str] | None:
        value = self._private(info, "skills")
        return list(value) if value is not None else None

    @strawberry.field(description=PRIVATE)
    def care_groups(self, info: Ctx) -> list[str] | None:
        value = self._private(info, "careGroups")
        return list(value) if value is not None else None

    @strawberry.field(description=PRIVATE)
    def last_login_at(self, info: Ctx) -> datetime | None:
        return self._private(info, "lastLoginAt")

    @strawberry.field(description=PRIVATE)
    def created_at(self, info: Ctx) -> datetime | None:
        return self._private(info, "createdAt")

    @strawberry.field(description=PRIVATE)
    def updated_at(self, info: Ctx) -> datetime | None:
        return self._private(info, "updatedAt")

    @strawberry.field(description="The profile photo: a signed link on the API's origin, valid for "
                                  "FILE_LINK_TTL_SECONDS (15 minutes by default).")
    def photo_url(self, info: Ctx) -> str | None:
        photo = photo_of(self.doc)
        return info.context.runtime.storage.link(photo["key"], photo["contentType"]) if photo else None

    @strawberry.federation.field(shareable=True, description="First and last name.")
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @strawberry.field
    async def company(self, info: Ctx) -> Company | None:
        doc = await load_company(info.context, self.doc["companyId"])
        return Company.from_doc(doc) if doc else None

    @strawberry.field
    async def role(self, info: Ctx) -> Role | None:
        doc = await load_role(info.context, self.doc["roleId"])
        return Role.from_doc(doc) if doc else None

    def _powers_visible(self, info: Ctx) -> bool:
        """A person's powers are theirs and their managers' business, not every colleague's."""
        principal = info.context.require()
        return principal.user_id == self.id or principal.can("users.read", self.doc["companyId"])

    @strawberry.field(description="Permissions granted to this user directly (yourself, or with users.read).")
    def permissions(self, info: Ctx) -> list[str]:
        return list(self.doc.get("permissions") or []) if self._powers_visible(info) else []

    @strawberry.field(description="Everything this user may do (yourself, or with users.read).")
    async def effective_permissions(self, info: Ctx) -> list[str]:
        if not self._powers_visible(info):
            return []
        role = await load_role(info.context, self.doc["roleId"])
        return sorted(effective_permissions(self.doc, role))


@strawberry.type
class CompanyContact:
    name: str
    email: str | None
    phone: str | None
    title: str | None


@strawberry.type(description="The plan a company pays for and when it ends.")
class Licence:
    plan: LicencePlan
    starts_at: datetime
    ends_at: datetime

    @strawberry.field
    def active(self) -> bool:
        return self.ends_at > clock.now()

    @strawberry.field
    def days_left(self) -> int:
        return max(0, (self.ends_at - clock.now()).days)


@strawberry.federation.type(keys=["id"], description="A customer company (a tenant), or the platform itself.")
class Company:
    id: strawberry.ID
    name: str
    tax_id: str
    email: str
    phone: str | None
    address: str | None
    status: CompanyStatus
    is_platform: bool
    suspended_reason: str | None
    created_at: datetime
    contacts: list[CompanyContact]
    licence: Licence | None
    doc: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Company:
        licence = doc.get("licence")
        return cls(
            id=strawberry.ID(doc["_id"]), name=doc["name"], tax_id=doc["taxId"], email=doc["email"],
            phone=doc.get("phone"), address=doc.get("address"), status=CompanyStatus(doc["status"]),
            is_platform=bool(doc.get("isPlatform")), suspended_reason=doc.get("suspendedReason"),
            created_at=doc["createdAt"],
            contacts=[CompanyContact(**c) for c in doc.get("contacts") or []],
            licence=Licence(plan=LicencePlan(licence["plan"]), starts_at=licence["startsAt"],
                            ends_at=licence["endsAt"]) if licence else None,
            doc=doc,
        )

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Company | None:
        doc = await load_company(info.context, str(id))
        return cls.from_doc(doc) if doc else None

    @strawberry.field(description="The code users type at sign-in; visible to those who manage it.")
    def access_code(self, info: Ctx) -> str | None:
        principal = info.context.require()
        return self.doc.get("accessCode") if principal.can("companies.access_code", self.doc["_id"]) else None

    @strawberry.field
    async def users(self, info: Ctx, first: int | None = None, after: str | None = None) -> Connection[User]:
        info.context.require("users.read", company_id=self.doc["_id"])
        users = info.context.tenancy.of(store.USERS, self.doc["_id"], permission="users.read")
        return await paginate(users, {"deleted": False}, first=first, after=after, to_node=User.from_doc,
                              sort=Sort("_id", descending=True))


@strawberry.federation.type(keys=["id"], description="A named set of permissions with a rank (level).")
class Role:
    id: strawberry.ID
    name: str
    level: int
    is_system: bool
    platform_only: bool
    doc: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Role:
        return cls(
            id=strawberry.ID(doc["_id"]), name=doc["name"], level=doc["level"],
            is_system=bool(doc.get("system")), platform_only=bool(doc.get("platformOnly")), doc=doc,
        )

    # What a role grants is for those who manage roles (roles.read, as `role(id:)`), however it was reached:
    # everyone of the company sees a person's role by name, rank and kind, not what it permits.
    def _details_visible(self, info: Ctx) -> bool:
        return info.context.require().can("roles.read", self.doc["companyId"])

    @strawberry.field(description="What the role is for; null without roles.read.")
    def description(self, info: Ctx) -> str | None:
        return self.doc.get("description") if self._details_visible(info) else None

    @strawberry.field(description="What the role permits; empty without roles.read.")
    def permissions(self, info: Ctx) -> list[str]:
        return list(self.doc["permissions"]) if self._details_visible(info) else []

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Role | None:
        doc = await load_role(info.context, str(id))
        return cls.from_doc(doc) if doc else None

    @strawberry.field(description="The system key of a system role (e.g. agent, company_admin).")
    def key(self) -> str | None:
        return self.doc.get("key")

    @strawberry.field
    def scope(self) -> RoleScope:
        return RoleScope.GLOBAL if self.doc["companyId"] is None else RoleScope.COMPANY

    @strawberry.field
    async def company(self, info: Ctx) -> Company | None:
        if self.doc["companyId"] is None:
            return None
        doc = await load_company(info.context, self.doc["companyId"])
        return Company.from_doc(doc) if doc else None

    @strawberry.field(description="How many users of your company hold this role.")
    async def holder_count(self, info: Ctx) -> int:
        principal = info.context.require("users.read")
        info.context.require("roles.read")
        users = info.context.tenancy.collection(store.USERS)
        return await users.count_documents({"roleId": self.doc["_id"], "deleted": False,
                                            "companyId": principal.company_id})


@strawberry.type
class AuthPayload:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    token_type: str
    user: User


@strawberry.type
class CreateCompanyPayload:
    company: Company
    admin: User


@strawberry.type
class UserImportRowError:
    row: int
    email: str | None
    reasons: list[str]


@strawberry.type
class UserImportReport:
    created_count: int
    created: list[User]
    errors: list[UserImportRowError]


def require_found(doc: dict[str, Any] | None, what: str, ident: str) -> dict[str, Any]:
    if doc is None:
        raise NotFound(f"no such {what}", id=ident)
    return doc
