"""A likely duplicate: an earlier ticket of the same company, still open, recent, and nearly the same text."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np

from subgraphs.ia import store
from subgraphs.ia.readmodel.tickets import WORKABLE, Ticket
from subgraphs.ia.similar.search import nearest
from subgraphs.ia.vectors.index import VectorIndex
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection


def candidates_filter(ticket: Ticket, *, window: timedelta) -> dict[str, Any]:
    """Open tickets opened in the window before this one."""
    created: datetime = ticket["createdAt"]
    return {"status": {"$in": list(WORKABLE)}, "createdAt": {"$gte": created - window, "$lte": created}}


async def likely_duplicate(db: Database, index: VectorIndex, ticket: Ticket, vector: np.ndarray, *,
                           minimum: float, window: timedelta) -> tuple[Ticket, float] | None:
    """The most similar earlier open ticket at or above `minimum`, or None."""
    rows = TenantCollection(db[store.TICKETS], ticket["companyId"])
    found = await nearest(index, rows, vector, limit=1, minimum=minimum, exclude=frozenset({ticket["_id"]}),
                          condition=candidates_filter(ticket, window=window))
    return found[0] if found else None


def duplicate_event(ticket: Ticket, original: Ticket, similarity: float) -> dict[str, Any]:
    """The `ticket.duplicate_suspected` payload (no ticket snapshot: that is the tickets service's to send)."""
    return {"ticketId": ticket["_id"], "duplicateOfId": original["_id"], "similarity": round(similarity, 4),
            "sameCreator": ticket.get("creatorId") == original.get("creatorId")}
