"""Reading and changing the catalogue: platform-wide items for everyone, and each company's own."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pymongo.errors import DuplicateKeyError

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import Conflict, Forbidden, NotFound
from subgraphs.kernel.events.contracts import catalogue as catalogue_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.graphql.pagination import Connection, Sort, paginate
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import Tenancy, TenantCollection
from subgraphs.tickets import store
from subgraphs.tickets.catalogue.items import ItemDraft, item_event, prepare_item
from subgraphs.tickets.deps import TicketsDeps

PLATFORM = None  # the companyId of platform-wide items
Node = TypeVar("Node")


def scoped(tenancy: Tenancy, company_id: str | None, *, permission: str) -> TenantCollection:
    """The items of one company (`tenancy.of`), or the platform-wide ones (global permission)."""
    if company_id is PLATFORM:
        return tenancy.everywhere(store.SERVICE_ITEMS, permission=permission)
    return tenancy.of(store.SERVICE_ITEMS, company_id, permission=permission)


def _filter(*, include_inactive: bool, type: str | None, category: str | None, search: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {} if include_inactive else {"active": True}
    if type:
        query["type"] = type
    if category:
        query["category"] = {"$regex": f"^{re.escape(category)}$", "$options": "i"}
    if search:
        pattern = {"$regex": re.escape(search.strip()), "$options": "i"}
        query["$or"] = [{"name": pattern}, {"description": pattern}, {"category": pattern}]
    return query


class _Offered:
    """The items a company may use as one collection: the platform-wide ones (which belong to no tenant, so they
    are read by `companyId: None`, like global roles) and its own."""

    def __init__(self, db: Database, company_id: str) -> None:
        self._items = db[store.SERVICE_ITEMS]
        self._companies = [PLATFORM, company_id]

    def _scope(self, filter: Mapping[str, Any] | None) -> dict[str, Any]:
        return {**(filter or {}), "companyId": {"$in": self._companies}}

    def find(self, filter: Mapping[str, Any] | None = None, *args: Any, **kwargs: Any) -> Any:
        return self._items.find(self._scope(filter), *args, **kwargs)

    async def count_documents(self, filter: Mapping[str, Any] | None = None, **kwargs: Any) -> int:
        return await self._items.count_documents(self._scope(filter), **kwargs)


def _offered(db: Database, tenancy: Tenancy, actor: Principal, company_id: str, *, include_inactive: bool,
             type: str | None, category: str | None, search: str | None) -> tuple[_Offered, dict[str, Any]]:
    """What `company_id` offers, and the filter asked for; refused to whoever may not read it."""
    if include_inactive and not actor.can("catalogue.manage", company_id):
        raise Forbidden("archived items are shown to catalogue managers only", permission="catalogue.manage")
    tenancy.of(store.SERVICE_ITEMS, company_id, permission="catalogue.read")  # refuses another company's
    return _Offered(db, company_id), _filter(include_inactive=include_inactive, type=type, category=category,
                                             search=search)


async def list_items(db: Database, tenancy: Tenancy, actor: Principal, *, company_id: str,
                     include_inactive: bool = False, type: str | None = None, category: str | None = None,
                     search: str | None = None) -> list[dict[str, Any]]:
    """The items `company_id` may use: the platform's and its own, by name (the platform's first on a tie)."""
    offered, query = _offered(db, tenancy, actor, company_id, include_inactive=include_inactive, type=type,
                              category=category, search=search)
    return await offered.find(query).sort([("nameKey", 1), ("companyId", 1)]).to_list(None)


async def page_items(db: Database, tenancy: Tenancy, actor: Principal, *, company_id: str,
                     to_node: Callable[[dict[str, Any]], Node], first: int | None, after: str | None,
                     include_inactive: bool = False, type: str | None = None, category: str | None = None,
                     search: str | None = None) -> Connection[Node]:
    """`list_items` a cursor page at a time, by name."""
    offered, query = _offered(db, tenancy, actor, company_id, include_inactive=include_inactive, type=type,
                              category=category, search=search)
    return await paginate(offered, query, first=first, after=after, to_node=to_node,
                          sort=Sort("nameKey", descending=False))


async def find_item(db: Database, tenancy: Tenancy, actor: Principal, item_id: str) -> dict[str, Any]:
    """An item the actor may see: platform-wide, of their company, or (global permission) any."""
    if not actor.can("catalogue.read"):
        raise Forbidden("you lack the permission catalogue.read", permission="catalogue.read")
    item = await db[store.SERVICE_ITEMS].find_one({"_id": item_id, "companyId": PLATFORM})
    if item is None:
        item = await tenancy.collection(store.SERVICE_ITEMS).find_one({"_id": item_id})
    if item is None and actor.holds("catalogue.read.global"):
        item = await tenancy.everywhere(store.SERVICE_ITEMS, permission="catalogue.read").find_one({"_id": item_id})
    if item is None:
        raise NotFound("no such catalogue item", itemId=item_id)
    return item


async def usable_item(db: Database, *, company_id: str, item_id: str) -> dict[str, Any] | None:
    """An active item a ticket of `company_id` may be opened for. Read by `_id` alone and checked here: the embedded
    database looks an `_id` up directly only when it is the whole filter (kernel.tenancy)."""
    item = await db[store.SERVICE_ITEMS].find_one({"_id": item_id})
    usable = item is not None and item.get("active") is True and item.get("companyId") in (PLATFORM, company_id)
    return item if usable else None


def new_item(prepared: dict[str, Any], *, company_id: str | None, actor_id: str) -> dict[str, Any]:
    now = clock.now()
    return {"_id": new_id(), "companyId": company_id, **prepared, "createdAt": now, "updatedAt": now,
            "createdBy": actor_id}


def name_taken(name: str) -> Conflict:
    return Conflict(f"the catalogue already has an item named {name}", field="name")


async def create_item(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, *, company_id: str | None,
                      draft: ItemDraft) -> dict[str, Any]:
    """A company's own item, or (company_id None, platform staff) a platform-wide one."""
    items = scoped(tenancy, company_id, permission="catalogue.manage")
    item = new_item(prepare_item(draft), company_id=company_id, actor_id=actor.user_id)

    async def work(uow: UnitOfWork) -> None:
        try:
            await items.insert_one(item, session=uow.session)
        except DuplicateKeyError:
            raise name_taken(item["name"]) from None
        uow.emit(catalogue_events.ITEM_CREATED, item_event(item), company_id=company_id, actor_id=actor.user_id)

    await deps.outbox.transaction(work)
    return item


async def update_item(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, item_id: str, *,
                      draft: ItemDraft) -> dict[str, Any]:
    """Replace an item's details; tickets already open keep the targets they were given."""
    current = await find_item(deps.db, tenancy, actor, item_id)
    items = scoped(tenancy, current["companyId"], permission="catalogue.manage")
    changes = {**prepare_item(draft), "updatedAt": clock.now()}

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        try:
            updated = await items.find_one_and_update({"_id": item_id}, {"$set": changes}, session=uow.session,
                                                      return_document=True)
        except DuplicateKeyError:
            raise name_taken(changes["name"]) from None
        if updated is None:
            raise NotFound("no such catalogue item", itemId=item_id)
        uow.emit(catalogue_events.ITEM_UPDATED, item_event(updated), company_id=updated["companyId"],
                 actor_id=actor.user_id)
        return updated

    return await deps.outbox.transaction(work)
