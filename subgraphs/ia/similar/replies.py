"""Suggested replies: how the desk answered the most similar tickets it resolved.

From each resolved (or closed) similar ticket the last public reply the desk wrote by the time of the
resolution is taken (the resolution reply); replies of the ticket's creator and internal notes never
are. Best first by the similarity of their tickets, each distinct text once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from subgraphs.ia.readmodel.people import is_staff
from subgraphs.ia.readmodel.replies import Reply
from subgraphs.ia.readmodel.tickets import Ticket
from subgraphs.ia.similar.search import similar_to
from subgraphs.ia.vectors.index import VectorIndex
from subgraphs.kernel.tenancy import TenantCollection

RESOLVED = {"status": {"$in": ["resolved", "closed"]}}
SOURCES = 20  # similar resolved tickets looked at


@dataclass(frozen=True)
class Suggestion:
    text: str
    ticket_id: str
    similarity: float
    author_id: str | None
    at: datetime


def resolution_reply(replies: list[Reply], ticket: Ticket, staff: set[str]) -> Reply | None:
    """The desk's last public reply on `ticket` at or before it was resolved (replies oldest first)."""
    until = ticket.get("resolvedAt")
    chosen = None
    for reply in replies:
        if reply.get("authorId") in staff and not reply.get("fromCreator") and (until is None or reply["at"] <= until):
            chosen = reply
    return chosen


@dataclass(frozen=True)
class Sources:
    """The ticket's company's tickets, replies and people, as the caller was allowed to read them."""

    tickets: TenantCollection
    replies: TenantCollection
    people: TenantCollection


async def _staff(people: TenantCollection, author_ids: set[str]) -> set[str]:
    found = await people.find({"_id": {"$in": sorted(author_ids)}}).to_list(None)
    return {p["_id"] for p in found if is_staff(p)}


async def suggested_replies(index: VectorIndex, sources: Sources, ticket: Ticket, *, limit: int, minimum: float
                            ) -> list[Suggestion]:
    similar = await similar_to(index, sources.tickets, ticket, limit=SOURCES, minimum=minimum, condition=RESOLVED)
    if not similar:
        return []
    rows = await sources.replies.find({"ticketId": {"$in": [t["_id"] for t, _ in similar]}}).sort("at", 1).to_list(
        None)
    by_ticket: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_ticket.setdefault(row["ticketId"], []).append(row)
    staff = await _staff(sources.people, {r["authorId"] for r in rows if r.get("authorId")})
    found: list[Suggestion] = []
    seen: set[str] = set()
    for source, similarity in similar:
        reply = resolution_reply(by_ticket.get(source["_id"], []), source, staff)
        key = " ".join((reply or {}).get("text", "").lower().split())
        if reply is None or key in seen:
            continue
        seen.add(key)
        found.append(Suggestion(reply["text"], source["_id"], similarity, reply.get("authorId"), reply["at"]))
    return found[:limit]
