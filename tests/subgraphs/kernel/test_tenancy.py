"""Tenant scoping: every read and write through Tenancy stays inside the caller's company."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import Forbidden, Unauthenticated
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database, connect
from subgraphs.kernel.tenancy import Tenancy

ACME = Principal(user_id="u1", company_id="acme", permissions=frozenset({"things.read", "things.write"}))
GLOBEX = Principal(user_id="u2", company_id="globex", permissions=frozenset({"things.read"}))
OPERATOR = Principal(user_id="op", company_id="hq", permissions=frozenset({"things.read.global"}), is_platform=True)


@pytest.fixture
async def db(mongo_url: str) -> AsyncIterator[Database]:
    client = connect(mongo_url, app_name="tenancy-test")
    database = Database(client, f"tenancy_{new_id()}")
    await database["things"].insert_many([
        {"_id": "a1", "companyId": "acme", "n": 1}, {"_id": "a2", "companyId": "acme", "n": 2},
        {"_id": "g1", "companyId": "globex", "n": 3},
    ])
    yield database
    await client.drop_database(database.name)
    await client.close()


async def test_reads_see_only_the_callers_company(db: Database) -> None:
    things = Tenancy(db, ACME).collection("things")
    assert {d["_id"] for d in await things.find({}).to_list(None)} == {"a1", "a2"}
    assert await things.find_one({"_id": "g1"}) is None
    # A filter naming another company cannot widen the scope.
    assert await things.count_documents({"companyId": "globex"}) == 2
    assert [r["total"] for r in await things.aggregate([{"$group": {"_id": None, "total": {"$sum": "$n"}}}])] == [3]


async def test_an_aggregation_match_narrows_but_never_widens(db: Database) -> None:
    things = Tenancy(db, ACME).collection("things")
    total = [{"$group": {"_id": None, "total": {"$sum": "$n"}}}]
    assert [r["total"] for r in await things.aggregate(total, match={"n": {"$gte": 2}})] == [2]
    # globex's only document has n == 3: asking for it by company finds nothing from acme's side.
    assert await things.aggregate(total, match={"companyId": "globex", "n": 3}) == []


async def test_writes_stay_in_the_callers_company(db: Database) -> None:
    things = Tenancy(db, ACME).collection("things")
    assert (await things.update_many({}, {"$set": {"touched": True}})).modified_count == 2
    assert (await things.delete_one({"_id": "g1"})).deleted_count == 0
    await things.insert_one({"_id": "a3", "companyId": "globex"})  # the company field is ours to set
    assert (await db["things"].find_one({"_id": "a3"}))["companyId"] == "acme"
    assert (await db["things"].find_one({"_id": "g1"})).get("touched") is None


async def test_crossing_tenants_needs_the_global_permission(db: Database) -> None:
    with pytest.raises(Forbidden):
        Tenancy(db, GLOBEX).of("things", "acme", permission="things.read")
    with pytest.raises(Forbidden):
        Tenancy(db, ACME).everywhere("things", permission="things.read")
    assert await Tenancy(db, OPERATOR).of("things", "acme", permission="things.read").count_documents({}) == 2
    assert await Tenancy(db, OPERATOR).everywhere("things", permission="things.read").count_documents({}) == 3
    with pytest.raises(Unauthenticated):
        Tenancy(db, None).collection("things")


async def test_a_cached_document_is_covered_exactly_when_the_scope_would_find_it(db: Database) -> None:
    """Caches (the users service's people) serve a document only to a scope whose query would return it."""
    documents = await db["things"].find({}).to_list(None)
    scopes = {"acme": Tenancy(db, ACME).collection("things"),
              "everywhere": Tenancy(db, OPERATOR).everywhere("things", permission="things.read")}
    for name, scoped in scopes.items():
        found = {d["_id"] for d in await scoped.find({}).to_list(None)}
        assert {d["_id"] for d in documents if scoped.covers(d)} == found, name


async def test_a_lookup_by_id_finds_only_the_callers_company_whatever_it_projects(db: Database) -> None:
    """A read by `_id` is asked without the company and checked after (the embedded database's direct lookup): it
    still finds nothing of another company, however its projection leaves the company field out."""
    acme = Tenancy(db, ACME).collection("things")
    for projection in (None, {"n": 1}, {"_id": 1}, ["n"], {"n": 0}, {"_id": 0}, {"companyId": 0}):
        options = {} if projection is None else {"projection": projection}
        assert await acme.find_one({"_id": "g1"}, **options) is None, projection
        [found] = await acme.with_ids(["g1", "a1"], **options)  # acme's one, never globex's
        assert found.get("n") == (None if projection in ({"_id": 1}, {"n": 0}) else 1), projection
    assert (await acme.find_one({"_id": "a1"}, projection={"n": 1}))["n"] == 1
    assert (await acme.find_one({"_id": "a1"}, projection={"n": 0})).keys() == {"_id", "companyId"}
    assert (await acme.find_one({"_id": "a1"}, projection={"_id": 0})) == {"companyId": "acme", "n": 1}
    assert await acme.find_one({"_id": "a1"}, projection={"companyId": 0}) == {"_id": "a1", "n": 1}
    operator = Tenancy(db, OPERATOR).everywhere("things", permission="things.read")
    assert {d["_id"] for d in await operator.with_ids(["g1", "a1"])} == {"g1", "a1"}
    assert await Tenancy(db, GLOBEX).collection("things").with_ids(["a1", "a2"]) == []
