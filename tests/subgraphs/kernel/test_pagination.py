"""Keyset pagination over a real collection: every document once, in order, on any sort field."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.graphql.pagination import Sort, paginate
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database, connect
from subgraphs.kernel.tenancy import Tenancy

ACME = Principal(user_id="u1", company_id="acme")
START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def db(mongo_url: str) -> AsyncIterator[Database]:
    client = connect(mongo_url, app_name="pagination-test")
    database = Database(client, f"pages_{new_id()}")
    # Ties on purpose: three documents share each due date, so the id must break them.
    await database["things"].insert_many([
        {"_id": f"t{n:02d}", "companyId": "acme", "sla": {"dueAt": START + timedelta(hours=n // 3)}}
        for n in range(10)
    ] + [{"_id": "other", "companyId": "globex", "sla": {"dueAt": START}}])
    yield database
    await client.drop_database(database.name)
    await client.close()


async def walk(db: Database, sort: Sort) -> list[str]:
    things = Tenancy(db, ACME).collection("things")
    seen, after = [], None
    while True:
        page = await paginate(things, {}, first=4, after=after, to_node=lambda d: d["_id"], sort=sort)
        seen += [edge.node for edge in page.edges]
        if not page.page_info.has_next_page:
            return seen
        after = page.page_info.end_cursor


async def test_pages_follow_a_nested_sort_field_with_ties(db: Database) -> None:
    ascending = await walk(db, Sort("sla.dueAt", descending=False))
    assert ascending == [f"t{n:02d}" for n in range(10)]
    descending = await walk(db, Sort("sla.dueAt", descending=True))
    assert descending == [f"t{n:02d}" for n in (9, 8, 7, 6, 5, 4, 3, 2, 1, 0)]


async def test_pages_by_id_see_only_the_callers_company(db: Database) -> None:
    assert await walk(db, Sort()) == [f"t{n:02d}" for n in range(9, -1, -1)]
