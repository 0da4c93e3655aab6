"""Human references per company and year, e.g. TKT-2026-000123, from an atomic counter."""

from __future__ import annotations

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from subgraphs.kernel.mongo import Database
from subgraphs.tickets import store


def format_reference(year: int, number: int) -> str:
    return f"TKT-{year}-{number:06d}"


async def next_reference(db: Database, *, company_id: str, year: int) -> tuple[int, str]:
    """The next number of the company's year; never given twice.

    Taken just before the ticket's transaction, not inside it: inside, every concurrent creation
    of the company would conflict on the counter and retry. A creation that fails after taking
    its number (validation comes first) leaves a gap, as in most helpdesks.
    """
    counters, key = db[store.COUNTERS], f"{company_id}:{year}"
    row = await counters.find_one_and_update({"_id": key}, {"$inc": {"seq": 1}}, return_document=ReturnDocument.AFTER)
    if row is None:  # the company's first ticket of the year
        try:
            # Made on its own, then incremented: concurrent upserts that also increment may race.
            await counters.insert_one({"_id": key, "seq": 0})
        except DuplicateKeyError:
            pass  # a concurrent creation made it
        row = await counters.find_one_and_update({"_id": key}, {"$inc": {"seq": 1}},
                                                 return_document=ReturnDocument.AFTER)
    assert row is not None  # made just above
    return row["seq"], format_reference(year, row["seq"])
