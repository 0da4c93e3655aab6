"""Each company's ticket vectors: stored in the IA's database, searched in memory by brute-force cosine.

Vectors are unit length, so cosine similarity is one matrix-vector product: about a millisecond per
10,000 tickets on one core, which is helpdesk scale. Limits, stated plainly: a search reads every
vector of the company (no approximate index), and the cache holds at most `max_rows` vectors across
companies (1.5 KB each), evicting the least recently searched company first. A replica puts what it
stores into its own cache once committed; before each search the company's rows other replicas wrote
since the last look are read in (by a time watermark with a few seconds of slack), so replicas agree
within a moment, and a burst of new tickets is not read back row by row.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from bson import Binary

from subgraphs.ia import store
from subgraphs.kernel import clock
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_event_id
from subgraphs.kernel.mongo import Database

DIMENSIONS = 384
SLACK = timedelta(seconds=5)  # a replica's write may commit a little after its timestamp


def to_binary(vector: np.ndarray) -> Binary:
    return Binary(np.asarray(vector, dtype="<f4").tobytes())


def from_binary(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<f4")


@dataclass
class CompanyVectors:
    """One company's vectors in a growable matrix, with the row of each ticket."""

    ids: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((64, DIMENSIONS), dtype=np.float32))
    seen_until: datetime | None = None

    def put(self, ticket_id: str, vector: np.ndarray) -> None:
        row = self.rows.get(ticket_id)
        if row is None:
            row = len(self.ids)
            if row == len(self.matrix):
                self.matrix = np.vstack([self.matrix, np.zeros_like(self.matrix)])
            self.ids.append(ticket_id)
            self.rows[ticket_id] = row
        self.matrix[row] = vector

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        return self.matrix[: len(self.ids)] @ np.asarray(vector, dtype=np.float32)


class VectorIndex:
    """The companies' vectors, cached in memory and searched by cosine similarity."""

    def __init__(self, db: Database, *, max_rows: int = 100_000) -> None:
        self.db = db
        self.max_rows = max_rows
        self.replica = new_event_id()
        self._companies: OrderedDict[str, CompanyVectors] = OrderedDict()
        self._lock = asyncio.Lock()

    def stage(self, uow: UnitOfWork, *, ticket_id: str, company_id: str, vector: np.ndarray) -> None:
        """Store (or replace) a ticket's vector as `uow` ends; `remember` it once the unit committed."""
        uow.update(self.db[store.VECTORS], {"_id": ticket_id}, {"$set": {
            "companyId": company_id, "vector": to_binary(vector), "at": clock.now(), "by": self.replica}}, upsert=True)

    def remember(self, company_id: str, ticket_id: str, vector: np.ndarray) -> None:
        """Put a committed vector of this replica's into the cache (a company not cached yet reads it later)."""
        cached = self._companies.get(company_id)
        if cached is not None:
            cached.put(ticket_id, vector)

    async def company(self, company_id: str) -> CompanyVectors:
        """The company's vectors, with every row stored since the last look read in."""
        async with self._lock:
            vectors = self._companies.pop(company_id, None) or CompanyVectors()
            self._companies[company_id] = vectors  # the most recently used goes last
            query: dict[str, object] = {"companyId": company_id}
            seen = vectors.seen_until
            if seen is not None:  # what other replicas wrote since (ours are put in at commit)
                # (company, then a range of times) is the index's shape: with a second condition the embedded
                # database read every vector of the company; this replica's own rows are passed over below instead
                query.update(at={"$gte": seen - SLACK})
            async for row in self.db[store.VECTORS].find(query).sort("at", 1):
                if seen is None or row.get("by") != self.replica:
                    vectors.put(row["_id"], from_binary(row["vector"]))
                vectors.seen_until = max(vectors.seen_until or row["at"], row["at"])
            self._evict(keep=company_id)
            return vectors

    async def search(self, company_id: str, vector: np.ndarray, *, minimum: float, limit: int,
                     exclude: frozenset[str] = frozenset()) -> list[tuple[str, float]]:
        """(ticket id, similarity) of the company's most similar tickets, best first, at least `minimum`."""
        vectors = await self.company(company_id)
        if not vectors.ids:
            return []
        scores = vectors.similarities(vector)
        order = np.argsort(-scores, kind="stable")
        found: list[tuple[str, float]] = []
        for row in order:
            score = float(scores[row])
            if score < minimum or len(found) >= limit:
                break
            if vectors.ids[row] not in exclude:
                found.append((vectors.ids[row], score))
        return found

    async def vector_of(self, company_id: str, ticket_id: str) -> np.ndarray | None:
        vectors = await self.company(company_id)
        row = vectors.rows.get(ticket_id)
        return None if row is None else vectors.matrix[row].copy()

    def _evict(self, *, keep: str) -> None:
        total = sum(len(v.ids) for v in self._companies.values())
        while total > self.max_rows and len(self._companies) > 1:
            oldest = next(iter(self._companies))
            if oldest == keep:
                break
            total -= len(self._companies.pop(oldest).ids)
