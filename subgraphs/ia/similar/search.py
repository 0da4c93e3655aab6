"""Similar tickets and semantic search over one company's tickets, limited to those the caller may see."""

from __future__ import annotations

from typing import Any

import numpy as np

from subgraphs.ia.vectors.index import VectorIndex
from subgraphs.kernel.mongo import all_of
from subgraphs.kernel.tenancy import TenantCollection

Ticket = dict[str, Any]
OVERSHOOT = 10  # nearest neighbours read per result wanted, since some are filtered out afterwards
MIN_READ = 50


async def nearest(index: VectorIndex, rows: TenantCollection, vector: np.ndarray, *, limit: int, minimum: float,
                  condition: dict[str, Any], exclude: frozenset[str] = frozenset()) -> list[tuple[Ticket, float]]:
    """The `limit` tickets of `rows`' company most similar to `vector` that meet `condition`, best first."""
    assert isinstance(rows.company_id, str), "a search is over one company"
    hits = await index.search(rows.company_id, vector, minimum=minimum, limit=max(limit * OVERSHOOT, MIN_READ),
                              exclude=exclude)
    if not hits:
        return []
    docs = await rows.find(all_of({"_id": {"$in": [i for i, _ in hits]}}, condition)).to_list(None)
    found = {doc["_id"]: doc for doc in docs}
    return [(found[i], score) for i, score in hits if i in found][:limit]


async def similar_to(index: VectorIndex, rows: TenantCollection, ticket: Ticket, *, limit: int, minimum: float,
                     condition: dict[str, Any]) -> list[tuple[Ticket, float]]:
    """Tickets like `ticket` (itself excluded); none until its text has been encoded."""
    vector = await index.vector_of(ticket["companyId"], ticket["_id"])
    if vector is None:
        return []
    return await nearest(index, rows, vector, limit=limit, minimum=minimum, condition=condition,
                         exclude=frozenset({ticket["_id"]}))
