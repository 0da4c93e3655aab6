"""Human references per company and year, e.g. TKT-2026-000123, from an atomic counter."""

from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.mongo import Database
from subgraphs.tickets import store


def format_reference(year: int, number: int) -> str:
    return f"TKT-{year}-{number:06d}"


async def next_reference(db: Database, session: AsyncClientSession, *, company_id: str, year: int) -> tuple[int, str]:
    """The next number of the company's year. Taken inside the ticket's transaction, so an aborted
    creation gives its number back and concurrent creations queue on the counter (no gaps, no twins)."""
    row = await db[store.COUNTERS].find_one_and_update(
        {"_id": f"{company_id}:{year}"}, {"$inc": {"seq": 1}}, upsert=True, session=session,
        return_document=ReturnDocument.AFTER,
    )
    return row["seq"], format_reference(year, row["seq"])
