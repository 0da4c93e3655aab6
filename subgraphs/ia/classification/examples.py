"""A company's training data per target: its catalogue items and its labelled tickets, newest first."""

from __future__ import annotations

from subgraphs.ia import store
from subgraphs.ia.readmodel.catalogue import usable_items
from subgraphs.ia.readmodel.tickets import TRIAGE
from subgraphs.ia.triage import TrainingSet
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection


async def training_sets(db: Database, company_id: str, *, limit: int) -> dict[str, TrainingSet]:
    """One TrainingSet per target (category, type, priority); a correction replaces the ticket's earlier label."""
    items = await usable_items(db, company_id)
    labelled = TenantCollection(db[store.TICKETS], company_id).find({"labelled": {"$ne": None}})
    tickets = await labelled.sort("labelledAt", -1).limit(limit).to_list(None)
    sets: dict[str, TrainingSet] = {}
    for target in TRIAGE:
        examples = TrainingSet()
        examples.add_catalogue([{"id": i["_id"], "name": i.get("name") or "", "description": i.get("description") or "",
                                 target: i.get(target) or ""} for i in items], label_key=target)
        for ticket in tickets:
            examples.add_ticket(ticket["_id"], title=ticket.get("title") or "", description=ticket.get("description"),
                                label=ticket.get(target))
        sets[target] = examples
    return sets
