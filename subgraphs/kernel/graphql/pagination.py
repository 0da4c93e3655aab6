"""Cursor pagination (Relay connections) over MongoDB with keyset queries, not skip/limit."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import strawberry
from bson import json_util

from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.mongo import Document, all_of
from subgraphs.kernel.tenancy import TenantCollection

Node = TypeVar("Node")


class Pageable(Protocol):
    """What `paginate` reads from: a tenant's collection, or another view with the same two reads."""

    def find(self, filter: Mapping[str, Any] | None = None, *args: Any, **kwargs: Any) -> Any: ...

    async def count_documents(self, filter: Mapping[str, Any] | None = None, **kwargs: Any) -> int: ...

DEFAULT_PAGE = 20
MAX_PAGE = 100


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[Node]):
    cursor: str
    node: Node


@strawberry.type
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items match, across all pages.")
    async def total_count(self) -> int:
        return await self.count()


@dataclass(frozen=True)
class Sort:
    field: str = "_id"
    descending: bool = True


def field_value(document: Document, path: str) -> Any:
    """The value at a dotted path (`sla.dueAt`), as MongoDB sorts by it; None when absent."""
    value: Any = document
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def encode_cursor(document: Document, sort: Sort) -> str:
    raw = json_util.dumps([field_value(document, sort.field), document["_id"]])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[Any, Any]:
    try:
        value, last_id = json_util.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (ValueError, TypeError):
        raise BadUserInput("the cursor is not one this API gave out", field="after") from None
    return value, last_id


def after_filter(cursor: str, sort: Sort) -> dict[str, Any]:
    value, last_id = decode_cursor(cursor)
    op = "$lt" if sort.descending else "$gt"
    if sort.field == "_id":
        return {"_id": {op: last_id}}
    return {"$or": [{sort.field: {op: value}}, {sort.field: value, "_id": {op: last_id}}]}


async def paginate(
    collection: TenantCollection | Pageable,
    filter: dict[str, Any],
    *,
    first: int | None,
    after: str | None,
    to_node: Callable[[Document], Node],
    sort: Sort = Sort(),
) -> Connection[Node]:
    limit = DEFAULT_PAGE if first is None else first
    if not 1 <= limit <= MAX_PAGE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE}", field="first")
    query = all_of(filter, after_filter(after, sort)) if after else filter
    direction = -1 if sort.descending else 1
    order = [(sort.field, direction)] + ([("_id", direction)] if sort.field != "_id" else [])
    documents = await collection.find(query).sort(order).limit(limit + 1).to_list(limit + 1)
    page = documents[:limit]
    edges = [Edge(cursor=encode_cursor(doc, sort), node=to_node(doc)) for doc in page]

    async def count() -> int:
        return await collection.count_documents(filter)

    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(documents) > limit, end_cursor=edges[-1].cursor if edges else None),
        count=count,
    )
