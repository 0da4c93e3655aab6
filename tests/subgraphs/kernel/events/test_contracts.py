"""Every event a unit of work emits keeps its contract (subgraphs/kernel/events/contracts), or the unit fails
whole: nothing of it is written, not the change and not the event. Every test in this suite that makes a service
emit an event goes through that check, so a producer that drops or retypes a field its consumers read fails its
own tests first. Here: the check itself, and that the contracts cover what the services consume."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from subgraphs.kernel.events import contracts
from subgraphs.kernel.events.contracts import ContractBroken
from subgraphs.kernel.events.contracts.tickets import SNAPSHOT_FIELDS, TicketView, view_row
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from subgraphs.kernel.events.topology import whole_topology
from subgraphs.kernel.mongo import Database
from subgraphs.tickets.ticket.documents import snapshot


def _ticket() -> dict[str, Any]:
    now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    return {"_id": "t1", "companyId": "c1", "reference": "TKT-1", "title": "VPN down", "description": "x" * 5000,
            "status": "open", "type": "incident", "priority": "high", "category": "network", "tags": [],
            "itemId": "i1", "careGroup": None, "creatorId": "u1", "assigneeId": None, "watchers": ["u2"],
            "createdAt": now, "sla": {"responseDueAt": now, "resolutionDueAt": None}, "version": 3}


def test_the_tickets_snapshot_keeps_its_contract_and_a_consumer_reads_it() -> None:
    data = snapshot(_ticket())
    assert contracts.problems("ticket.created", data) == []
    assert set(SNAPSHOT_FIELDS) == set(data)
    view = TicketView.from_snapshot(dict(data))
    assert (view.id, view.status, view.participant_ids) == ("t1", "open", ["u1", "u2"])
    assert TicketView.from_doc({"_id": "t1", **view_row(dict(data))}) == view


@pytest.mark.parametrize(("type", "change", "problem"), [
    ("ticket.created", {"status": "lost"}, "status"),
    ("ticket.created", {"watcherIds": "u2"}, "watcherIds"),
    ("ticket.status_changed", {"from": "open", "to": "resolved", "verb": "resolve"}, "reason"),
    ("ticket.assigned", {"previousAssigneeId": None}, "automatic"),
])
def test_a_changed_payload_names_what_broke(type: str, change: dict[str, Any], problem: str) -> None:
    data = {**snapshot(_ticket()), **change}
    found = contracts.problems(type, data)
    assert found and any(line.startswith(problem) for line in found), found


def test_an_event_without_a_contract_is_refused() -> None:
    assert contracts.problems("ticket.teleported", {"ticketId": "t1"}) == [
        "no contract for the event 'ticket.teleported' (add it to subgraphs/kernel/events/contracts)"]


def test_every_event_a_service_consumes_has_a_contract() -> None:
    """A consumer bound to an exact event name (not a wildcard) listens for something with a contract."""
    exact = {pattern for binding in whole_topology() for pattern in binding.patterns if "*" not in pattern
             and "#" not in pattern}
    assert exact and exact <= set(contracts.CONTRACTS), exact - set(contracts.CONTRACTS)


async def test_a_broken_event_writes_nothing_of_its_unit(db: Database) -> None:
    outbox = Outbox(db, InProcessBus())
    await outbox.ensure_indexes()

    async def work(uow: UnitOfWork) -> None:
        await db["tickets"].insert_one({"_id": "t-broken"}, session=uow.session)
        uow.emit("ticket.created", {"ticketId": "t-broken"}, company_id="c1", actor_id="u1")

    with pytest.raises(ContractBroken, match=r"ticket\.created: companyId: Field required"):
        await outbox.transaction(work)
    assert await db["tickets"].find_one({"_id": "t-broken"}) is None
    assert await db["outbox"].count_documents({}) == 0


def test_production_does_not_pay_for_the_check() -> None:
    contracts.check_events(False)
    try:
        contracts.check("ticket.created", {"ticketId": "t1"})
    finally:
        contracts.check_events(True)
    with pytest.raises(ContractBroken):
        contracts.check("ticket.created", {"ticketId": "t1"})
