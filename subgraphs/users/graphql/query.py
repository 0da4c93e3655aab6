"""Queries of the users subgraph."""

from __future__ import annotations

import re
from typing import Any

import strawberry

from subgraphs.kernel.errors import NotFound
from subgraphs.kernel.graphql.pagination import Connection, paginate
from subgraphs.users import store
from subgraphs.users.companies.service import find_company
from subgraphs.users.deps import deps_of
from subgraphs.users.graphql.inputs import CompanyFilter, UserFilter
from subgraphs.users.graphql.types import Company, Ctx, Permission, Role, User, load_role, load_user
from subgraphs.users.permissions import all_permission_keys
from subgraphs.users.roles.service import list_roles


def _user_query(filter: UserFilter | None) -> dict[str, Any]:
    query: dict[str, Any] = {"deleted": False}
    if filter is None:
        return query
    if filter.search:
        pattern = {"$regex": re.escape(filter.search.strip()), "$options": "i"}
        query["$or"] = [{"firstName": pattern}, {"lastName": pattern}, {"email": pattern}]
    if filter.role_id:
        query["roleId"] = str(filter.role_id)
    if filter.status:
        query["status"] = filter.status.value
    if filter.activity_status:
        query["activityStatus"] = filter.activity_status.value
    if filter.skill:
        query["skills"] = filter.skill
    if filter.care_group:
        query["careGroups"] = filter.care_group
    return query


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user.")
    async def me(self, info: Ctx) -> User:
        principal = info.context.require()
        doc = await load_user(info.context, principal.user_id)
        if doc is None:
            raise NotFound("your account no longer exists")
        return User.from_doc(doc)

    @strawberry.field
    async def user(self, info: Ctx, id: strawberry.ID) -> User | None:
        principal = info.context.require()
        if str(id) != principal.user_id:
            info.context.require("users.read")
        doc = await load_user(info.context, str(id))
        return User.from_doc(doc) if doc else None

    @strawberry.field(description="Users of your company, or of `companyId` for platform staff.")
    async def users(self, info: Ctx, company_id: strawberry.ID | None = None, filter: UserFilter | None = None,
                    first: int | None = None, after: str | None = None) -> Connection[User]:
        principal = info.context.require()
        target = str(company_id) if company_id else principal.company_id
        users = info.context.tenancy.of(store.USERS, target, permission="users.read")
        return await paginate(users, _user_query(filter), first=first, after=after, to_node=User.from_doc)

    @strawberry.field(description="Your own company.")
    async def my_company(self, info: Ctx) -> Company:
        principal = info.context.require()
        doc = await info.context.tenancy.collection(store.COMPANIES, field="_id").find_one({"deleted": False})
        if doc is None:
            raise NotFound("your company no longer exists", companyId=principal.company_id)
        return Company.from_doc(doc)

    @strawberry.field(description="Your own company (as `myCompany`), or another with companies.read.")
    async def company(self, info: Ctx, id: strawberry.ID) -> Company | None:
        principal = info.context.require()
        if str(id) == principal.company_id:  # your own, as `myCompany` and every path to it show it
            doc = await info.context.tenancy.collection(store.COMPANIES, field="_id").find_one({"deleted": False})
            return Company.from_doc(doc) if doc else None
        try:
            return Company.from_doc(await find_company(info.context.tenancy, str(id), permission="companies.read"))
        except NotFound:
            return None

    @strawberry.field(description="Every company (platform staff).")
    async def companies(self, info: Ctx, filter: CompanyFilter | None = None, first: int | None = None,
                        after: str | None = None) -> Connection[Company]:
        info.context.require("companies.read.global")
        companies = info.context.tenancy.everywhere(store.COMPANIES, permission="companies.read", field="_id")
        query: dict[str, Any] = {"deleted": False}
        if filter and filter.search:
            pattern = {"$regex": re.escape(filter.search.strip()), "$options": "i"}
            query["$or"] = [{"name": pattern}, {"taxId": pattern}, {"email": pattern}]
        if filter and filter.status:
            query["status"] = filter.status
        return await paginate(companies, query, first=first, after=after, to_node=Company.from_doc)

    @strawberry.field(description="A role, with roles.read (a person's `role` shows its name to the company).")
    async def role(self, info: Ctx, id: strawberry.ID) -> Role | None:
        info.context.require("roles.read")
        doc = await load_role(info.context, str(id))
        return Role.from_doc(doc) if doc else None

    @strawberry.field(description="The roles usable in your company (or `companyId`): global ones and its own.")
    async def roles(self, info: Ctx, company_id: strawberry.ID | None = None) -> list[Role]:
        principal = info.context.require("roles.read")
        target = str(company_id) if company_id else principal.company_id
        docs = await list_roles(deps_of(info.context).db, info.context.tenancy, company_id=target)
        return [Role.from_doc(d) for d in docs]

    @strawberry.field(description="The permission catalogue.")
    def permissions(self, info: Ctx) -> list[Permission]:
        info.context.require()
        return [Permission.of(key) for key in sorted(all_permission_keys())]
