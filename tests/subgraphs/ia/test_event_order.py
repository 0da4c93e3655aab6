"""A ticket's events folded out of order (two IA replicas share the queue; an event that failed waits for its retry
while later ones pass) still queue its first triage and routing, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from subgraphs.ia import store
from subgraphs.ia.consumers import Consumers
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from tests.harness import in_unit
from tests.subgraphs.ia.assignment.factories import NOW
from tests.subgraphs.ia.harness import IaDesk
from tests.subgraphs.ia.readmodel.test_tickets import snapshot


@pytest.fixture
async def db(ia_desk: IaDesk) -> AsyncIterator[Database]:
    """A database of its own: the running service's worker would take its jobs."""
    database = Database(ia_desk.ia.runtime.client, f"t{new_id()[-8:]}_order")
    yield database
    await ia_desk.ia.runtime.client.drop_database(database.name)


async def handle(db: Database, type: str, minutes: int, actor: str | None) -> None:
    event = Event(type=type, data=snapshot(), company_id="c1", actor_id=actor,
                  occurred_at=NOW + timedelta(minutes=minutes))
    await in_unit(db, lambda uow: Consumers(db, lambda: None).on_ticket(event, uow))


@pytest.mark.parametrize("order", [("ticket.created", "ticket.sla_warning"), ("ticket.sla_warning", "ticket.created")])
async def test_the_first_event_heard_of_a_ticket_queues_its_analysis_once(db: Database, order: tuple[str, str]
                                                                          ) -> None:
    for type in order:
        await handle(db, type, 0 if type == "ticket.created" else 1, "cust" if type == "ticket.created" else None)
    jobs = await db[store.JOBS].find().to_list(None)
    assert [(job["_id"], job["tasks"]) for job in jobs] == [("t1", {"triage": 1, "route": 1})]
