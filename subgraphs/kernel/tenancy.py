"""Tenant scoping: the one mechanism through which resolvers reach tenant-owned collections.

A `Tenancy` is built per request from the verified principal. `collection(name)` is bound to
the caller's company: every filter gets the company condition, every insert gets the company
field. Reaching another company is explicit (`of(...)`, `everywhere(...)`) and requires the
global form of a permission, which only platform roles hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.results import DeleteResult, InsertManyResult, InsertOneResult, UpdateResult

from subgraphs.kernel.auth.principal import GLOBAL_SUFFIX, Principal
from subgraphs.kernel.errors import Forbidden, Unauthenticated
from subgraphs.kernel.mongo import Database, Document

ALL_TENANTS = object()


def _by_id_alone(filter: Mapping[str, Any] | None) -> bool:
    """Whether `filter` asks for one `_id` and nothing else (an equality, not an operator)."""
    return filter is not None and len(filter) == 1 and "_id" in filter and not isinstance(filter["_id"], Mapping)


def _showing(projection: Any, field: str) -> Any:
    """`projection` (not None) widened to show `field`; None when it cannot say (an operator) or hides the field."""
    if not isinstance(projection, Mapping):
        return [*projection, field]
    if any(isinstance(v, Mapping) for v in projection.values()):
        return None
    named = {k: v for k, v in projection.items() if k != "_id"}
    if any(named.values()) or (not named and projection.get("_id", 1)):  # an inclusion: the field is added
        return {**projection, field: 1}
    return None if field in named else projection  # an exclusion: the field shows unless it is excluded


class TenantCollection:
    """A collection seen through one company (or, explicitly, through all of them)."""

    def __init__(
        self, collection: AsyncCollection[Document], company_id: str | object, field: str = "companyId"
    ) -> None:
        self.raw_name = collection.name
        self._collection = collection
        self.company_id = company_id
        self.field = field

    def scope(self, filter: Mapping[str, Any] | None = None) -> dict[str, Any]:
        scoped = dict(filter or {})
        if self.company_id is not ALL_TENANTS:
            scoped[self.field] = self.company_id  # ours wins over anything the caller passed
        return scoped

    def covers(self, document: Mapping[str, Any]) -> bool:
        """Whether a document already read (a cache's) is one this scope would find: the same rule as `scope`."""
        return self.company_id is ALL_TENANTS or document.get(self.field) == self.company_id

    def _stamp(self, document: dict[str, Any]) -> dict[str, Any]:
        if self.company_id is ALL_TENANTS:
            if self.field not in document:
                raise ValueError(f"an insert across tenants must name its {self.field}")
            return document
        return {**document, self.field: self.company_id}

    def stamped(self, document: dict[str, Any]) -> tuple[AsyncCollection[Document], dict[str, Any]]:
        """Where an insert of `document` through this view goes, and the document as it is inserted."""
        return self._collection, self._stamp(document)

    def scoped(self, filter: Mapping[str, Any]) -> tuple[AsyncCollection[Document], dict[str, Any]]:
        """Where an update through this view goes, and its filter as it is sent."""
        return self._collection, self.scope(filter)

    def find(self, filter: Mapping[str, Any] | None = None, *args: Any, **kwargs: Any) -> AsyncCursor[Document]:
        return self._collection.find(self.scope(filter), *args, **kwargs)

    async def find_one(self, filter: Mapping[str, Any] | None = None, *args: Any, **kwargs: Any) -> Document | None:
        """The one document the scoped filter finds. A lookup by `_id` alone asks the database for that `_id` and
        checks the company here (`covers`): the embedded database looks an `_id` up directly only when it is the
        whole filter; beside a company it picks among the company's indexes first (2.5 ms against 1 ms)."""
        if _by_id_alone(filter) and not args and (asked := self._by_id(kwargs)) is not None:
            found = await self._collection.find_one(filter, **asked)
            return found if found is not None and self.covers(found) else None
        return await self._collection.find_one(self.scope(filter), *args, **kwargs)

    async def with_ids(self, ids: Sequence[Any], **kwargs: Any) -> list[Document]:
        """The documents of this scope among `ids`, asked by `_id` alone and checked here, as `find_one` does."""
        asked = self._by_id(kwargs)
        if asked is None:
            return await self.find({"_id": {"$in": list(ids)}}, **kwargs).to_list(None)
        rows = await self._collection.find({"_id": {"$in": list(ids)}}, **asked).to_list(None)
        return [row for row in rows if self.covers(row)]

    def _by_id(self, options: Mapping[str, Any]) -> dict[str, Any] | None:
        """The options of a read by `_id` asked without the company, the projection widened to show it (`covers`
        reads it); None when it is asked with it: across companies, or a projection that hides the company."""
        if self.company_id is ALL_TENANTS:
            return None
        projection = options.get("projection")
        if projection is None:
            return dict(options)
        widened = _showing(projection, self.field)
        return None if widened is None else {**options, "projection": widened}

    async def count_documents(self, filter: Mapping[str, Any] | None = None, **kwargs: Any) -> int:
        return await self._collection.count_documents(self.scope(filter), **kwargs)

    async def aggregate(self, pipeline: Sequence[Mapping[str, Any]], *, match: Mapping[str, Any] | None = None,
                        **kwargs: Any) -> list[Document]:
        """`pipeline` over this scope's documents; `match` joins the scope in the first stage, where an
        index can serve both (a second `$match` stage is not merged into the index scan by every server)."""
        cursor = await self._collection.aggregate([{"$match": self.scope(match)}, *pipeline], **kwargs)
        return await cursor.to_list(None)

    async def insert_one(self, document: dict[str, Any], **kwargs: Any) -> InsertOneResult:
        return await self._collection.insert_one(self._stamp(document), **kwargs)

    async def insert_many(self, documents: Sequence[dict[str, Any]], **kwargs: Any) -> InsertManyResult:
        return await self._collection.insert_many([self._stamp(d) for d in documents], **kwargs)

    async def update_one(self, filter: Mapping[str, Any], update: Any, **kwargs: Any) -> UpdateResult:
        return await self._collection.update_one(self.scope(filter), update, **kwargs)

    async def update_many(self, filter: Mapping[str, Any], update: Any, **kwargs: Any) -> UpdateResult:
        return await self._collection.update_many(self.scope(filter), update, **kwargs)

    async def find_one_and_update(self, filter: Mapping[str, Any], update: Any, **kwargs: Any) -> Document | None:
        return await self._collection.find_one_and_update(self.scope(filter), update, **kwargs)

    async def delete_one(self, filter: Mapping[str, Any], **kwargs: Any) -> DeleteResult:
        return await self._collection.delete_one(self.scope(filter), **kwargs)

    async def delete_many(self, filter: Mapping[str, Any], **kwargs: Any) -> DeleteResult:
        return await self._collection.delete_many(self.scope(filter), **kwargs)


class Tenancy:
    """Per-request gate to tenant-owned data, bound to the caller's company."""

    def __init__(self, db: Database, principal: Principal | None) -> None:
        self.db = db
        self.principal = principal

    def _caller(self) -> Principal:
        if self.principal is None:
            raise Unauthenticated("authentication required")
        return self.principal

    def collection(self, name: str, *, field: str = "companyId") -> TenantCollection:
        """`name` as seen from the caller's own company."""
        return TenantCollection(self.db[name], self._caller().company_id, field)

    def of(self, name: str, company_id: str, *, permission: str, field: str = "companyId") -> TenantCollection:
        """`name` as seen from `company_id`: the caller's own, or another one with the global permission."""
        caller = self._caller()
        if not caller.can(permission, company_id):
            if company_id == caller.company_id:
                raise Forbidden(f"you lack the permission {permission}", permission=permission)
            raise Forbidden(f"you may not use {permission} in another company", permission=permission)
        return TenantCollection(self.db[name], company_id, field)

    def everywhere(self, name: str, *, permission: str, field: str = "companyId") -> TenantCollection:
        """`name` across every company; only for holders of the global form of `permission`."""
        caller = self._caller()
        if not caller.holds(permission + GLOBAL_SUFFIX):
            raise Forbidden(f"{permission} across companies is reserved to platform staff", permission=permission)
        return TenantCollection(self.db[name], ALL_TENANTS, field)
