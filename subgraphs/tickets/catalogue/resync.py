"""The catalogue told again, for a read model that lost it or never had it (a service added or wiped later).

A consumer asks with a `resync.catalogue` event (the IA does at start when its catalogue is empty; an operator with
`aurontek resync catalogue`); tickets answers with one `catalogue.item_updated` per item, every company's and the
platform's, which read models fold in as they fold in any newer version of an item.
"""

from __future__ import annotations

from subgraphs.kernel.events.contracts import catalogue as catalogue_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.tickets import store
from subgraphs.tickets.catalogue.items import item_event

REQUEST = catalogue_events.RESYNC
PATTERNS = (REQUEST,)


class CatalogueResync:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def answer(self, event: Event, uow: UnitOfWork) -> None:
        async for item in self.db[store.SERVICE_ITEMS].find({}, session=uow.session).sort("_id", 1):
            uow.emit(catalogue_events.ITEM_UPDATED, item_event(item), company_id=item["companyId"], actor_id=None)
