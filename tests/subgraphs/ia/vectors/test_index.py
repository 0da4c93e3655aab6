"""Each company's vectors: stored, searched by cosine similarity, and seen by every replica."""

from __future__ import annotations

from collections.abc import AsyncIterator

import numpy as np
import pytest

from subgraphs.ia.vectors.index import DIMENSIONS, VectorIndex, save
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from tests.subgraphs.ia.harness import IaDesk


def unit(*weights: float) -> np.ndarray:
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    vector[: len(weights)] = weights
    return vector / np.linalg.norm(vector)


@pytest.fixture
async def db(ia_desk: IaDesk) -> AsyncIterator[Database]:
    database = Database(ia_desk.ia.runtime.client, f"t{new_id()[-8:]}_vectors")
    yield database
    await ia_desk.ia.runtime.client.drop_database(database.name)


async def test_search_is_per_company_best_first_above_the_minimum(db: Database) -> None:
    await save(db, ticket_id="a", company_id="c1", vector=unit(1, 0))
    await save(db, ticket_id="b", company_id="c1", vector=unit(1, 1))
    await save(db, ticket_id="c", company_id="c1", vector=unit(0, 1))
    await save(db, ticket_id="x", company_id="c2", vector=unit(1, 0))
    index = VectorIndex(db)
    found = await index.search("c1", unit(1, 0.1), minimum=0.5, limit=5)
    assert [i for i, _ in found] == ["a", "b"] and found[0][1] > found[1][1] >= 0.5
    assert [i for i, _ in await index.search("c1", unit(1, 0), minimum=0, limit=5, exclude=frozenset({"a"}))] == [
        "b", "c"]
    assert await index.search("c3", unit(1, 0), minimum=0, limit=5) == []


async def test_a_replica_sees_what_another_stored_and_a_replaced_vector(db: Database) -> None:
    first, second = VectorIndex(db), VectorIndex(db)
    await save(db, ticket_id="a", company_id="c1", vector=unit(1, 0))
    assert [i for i, _ in await first.search("c1", unit(1, 0), minimum=0.9, limit=5)] == ["a"]
    await save(db, ticket_id="b", company_id="c1", vector=unit(1, 0))  # written "by the other replica"
    await save(db, ticket_id="a", company_id="c1", vector=unit(0, 1))  # its text changed
    assert [i for i, _ in await first.search("c1", unit(1, 0), minimum=0.9, limit=5)] == ["b"]
    assert [i for i, _ in await second.search("c1", unit(0, 1), minimum=0.9, limit=5)] == ["a"]
    assert np.allclose(await first.vector_of("c1", "a"), unit(0, 1)) and await first.vector_of("c1", "z") is None


async def test_the_least_recently_searched_company_leaves_the_cache(db: Database) -> None:
    for n in range(70):  # past the first growth of the matrix
        await save(db, ticket_id=f"t{n}", company_id="big", vector=unit(1, n / 70))
    await save(db, ticket_id="s", company_id="small", vector=unit(1, 0))
    index = VectorIndex(db, max_rows=50)
    assert len(await index.search("big", unit(1, 0), minimum=-1, limit=100)) == 70
    await index.search("small", unit(1, 0), minimum=0, limit=5)
    assert "big" not in index._companies and "small" in index._companies
