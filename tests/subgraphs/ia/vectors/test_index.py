"""Each company's vectors: stored, searched by cosine similarity, and seen by every replica."""

from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np
import pytest

from subgraphs.ia.vectors.index import DIMENSIONS, VectorIndex
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from tests.harness import in_unit
from tests.subgraphs.ia.harness import IaDesk


def unit(*weights: float) -> np.ndarray:
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    vector[: len(weights)] = weights
    return vector / np.linalg.norm(vector)


async def save(index: VectorIndex, *, ticket_id: str, company_id: str, vector: np.ndarray) -> None:
    """Store a vector the way the analysis does: staged in a unit of work, written as its transaction ends."""

    async def work(uow: UnitOfWork) -> None:
        index.stage(uow, ticket_id=ticket_id, company_id=company_id, vector=vector)

    await in_unit(index.db, work)


@pytest.fixture
async def db(ia_desk: IaDesk) -> AsyncIterator[Database]:
    database = Database(ia_desk.ia.runtime.client, f"t{new_id()[-8:]}_vectors")
    yield database
    await ia_desk.ia.runtime.client.drop_database(database.name)


async def test_search_is_per_company_best_first_above_the_minimum(db: Database) -> None:
    index = VectorIndex(db)
    for ticket_id, company_id, vector in (("a", "c1", unit(1, 0)), ("b", "c1", unit(1, 1)), ("c", "c1", unit(0, 1)),
                                          ("x", "c2", unit(1, 0))):
        await save(index, ticket_id=ticket_id, company_id=company_id, vector=vector)
    found = await index.search("c1", unit(1, 0.1), minimum=0.5, limit=5)
    assert [i for i, _ in found] == ["a", "b"] and found[0][1] > found[1][1] >= 0.5
    assert [i for i, _ in await index.search("c1", unit(1, 0), minimum=0, limit=5, exclude=frozenset({"a"}))] == [
        "b", "c"]
    assert await index.search("c3", unit(1, 0), minimum=0, limit=5) == []


async def test_a_replica_sees_what_another_stored_and_its_own_once_committed(db: Database) -> None:
    first, second = VectorIndex(db), VectorIndex(db)
    await save(first, ticket_id="a", company_id="c1", vector=unit(1, 0))
    assert [i for i, _ in await first.search("c1", unit(1, 0), minimum=0.9, limit=5)] == ["a"]
    await save(second, ticket_id="b", company_id="c1", vector=unit(1, 0))  # another replica's
    await save(first, ticket_id="a", company_id="c1", vector=unit(0, 1))  # its text changed, here
    assert [i for i, _ in await first.search("c1", unit(1, 0), minimum=0.9, limit=5)] == ["a", "b"]  # not yet
    first.remember("c1", "a", unit(0, 1))  # committed
    assert [i for i, _ in await first.search("c1", unit(1, 0), minimum=0.9, limit=5)] == ["b"]
    assert [i for i, _ in await second.search("c1", unit(0, 1), minimum=0.9, limit=5)] == ["a"]
    assert np.allclose(await first.vector_of("c1", "a"), unit(0, 1)) and await first.vector_of("c1", "z") is None


async def test_the_least_recently_searched_company_leaves_the_cache(db: Database) -> None:
    index = VectorIndex(db, max_rows=50)
    for n in range(70):  # past the first growth of the matrix
        await save(index, ticket_id=f"t{n}", company_id="big", vector=unit(1, n / 70))
    await save(index, ticket_id="s", company_id="small", vector=unit(1, 0))
    assert len(await index.search("big", unit(1, 0), minimum=-1, limit=100)) == 70
    await index.search("small", unit(1, 0), minimum=0, limit=5)
    assert "big" not in index._companies and "small" in index._companies
