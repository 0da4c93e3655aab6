"""A caller waiting for a ticket on its way to a read model is answered as this process commits it, not at its next
look (the looks are up to `POLL_MAX` apart); a unit of work that does not commit tells nobody."""

from __future__ import annotations

import asyncio
import time

import pytest

from subgraphs.chat import store
from subgraphs.chat.tickets.model import remember
from subgraphs.kernel import arrival
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from tests.harness import in_unit
from tests.subgraphs.ia.readmodel.test_tickets import snapshot

SPELL = 1.7  # the caller's looks are POLL_MAX apart by then (0.05 + 0.1 + 0.2 + 0.4 + 0.8 s, then 1 s each)


def created(ticket_id: str) -> Event:
    return Event(type="ticket.created", data=snapshot(ticketId=ticket_id, version=1), company_id="c1", actor_id="x")


async def test_a_ticket_folded_here_answers_its_waiting_caller_at_once(scratch_db: Database) -> None:
    ticket_id = new_id()  # minted now: on its way
    waiting = asyncio.create_task(arrival.arrived(scratch_db[store.TICKETS], ticket_id, wait=6))
    await asyncio.sleep(SPELL)
    await in_unit(scratch_db, lambda uow: remember(scratch_db, created(ticket_id), uow))
    committed = time.monotonic()
    assert await waiting
    assert time.monotonic() - committed < 0.3  # without the landing, the next look came 0.85 s later


async def test_a_unit_that_fails_tells_no_one(scratch_db: Database) -> None:
    ticket_id, told = new_id(), []

    async def fails(uow: UnitOfWork) -> None:
        await remember(scratch_db, created(ticket_id), uow)
        uow.after_commit(lambda: told.append(ticket_id))
        raise RuntimeError("the handler failed after folding")

    with pytest.raises(RuntimeError):
        await in_unit(scratch_db, fails)
    assert told == [] and await scratch_db[store.TICKETS].find_one({"_id": ticket_id}) is None
