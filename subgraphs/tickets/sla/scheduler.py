"""The SLA scheduler: warns before deadlines, flags breaches, closes resolved tickets nobody reopened.

Each flag is written with a guard (the flag still unset, the ticket still as read), in the same
transaction as its event, so a warning or a breach is raised once however many replicas scan.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.tickets import store
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.desk.service import desk_of
from subgraphs.tickets.sla.clocks import KINDS, Kind
from subgraphs.tickets.ticket.changes import Edit, Stale, Ticket, system_view, write
from subgraphs.tickets.ticket.history import FieldChange
from subgraphs.tickets.ticket.lifecycle import ACTIVE, Status, Transition
from subgraphs.tickets.ticket.status import status_edit

log = logging.getLogger(__name__)

BATCH = 500
ACTIVE_STATES = sorted(s.value for s in ACTIVE)
AUTO_CLOSE = Transition(Status.RESOLVED, Status.CLOSED, "close_automatically", frozenset())
UNFINISHED = {"response": {"sla.firstResponseAt": None}, "resolution": {"sla.resolutionSeconds": None}}


def _due(kind: Kind, flag: str, now: datetime, lead: timedelta) -> dict[str, Any]:
    """Active tickets whose `kind` deadline is past (breach) or within the lead (warning), flag unset."""
    horizon = now if flag == "Breached" else now + lead
    query = {"status": {"$in": ACTIVE_STATES}, f"sla.{kind}DueAt": {"$lte": horizon}, f"sla.{kind}{flag}At": None,
             **UNFINISHED[kind]}
    if flag == "Warned":
        query[f"sla.{kind}BreachedAt"] = None  # past due already: the breach says it all
    return query


def _flag_edit(ticket: Ticket, kind: Kind, flag: str, now: datetime) -> Edit:
    fields: dict[str, Any] = {f"sla.{kind}{flag}At": now}
    if flag == "Breached":
        fields[f"sla.{kind}Met"] = False
    event = ticket_events.SLA_BREACHED if flag == "Breached" else ticket_events.SLA_WARNING
    state = "breached" if flag == "Breached" else "warning"
    return Edit(f"sla_{state}", set=fields, changes=[FieldChange(f"sla.{kind}", None, state)],
                events=[(event, {"kind": kind, "dueAt": ticket["sla"][f"{kind}DueAt"]})],
                guard={f"sla.{kind}{flag}At": None, "status": {"$in": ACTIVE_STATES}}, at=now)


class SlaScheduler:
    def __init__(self, deps: TicketsDeps) -> None:
        self.deps = deps
        self.tickets = deps.db[store.TICKETS]

    async def run_forever(self) -> None:
        while True:
            try:
                await self.scan()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database away for a moment must not stop the scheduler
                log.exception("SLA scan failed; trying again at the next interval")
            await asyncio.sleep(self.deps.settings.sla_scan_interval_seconds)

    async def scan(self) -> int:
        """One pass over every company; returns how many tickets it changed."""
        now = clock.now()
        lead = timedelta(minutes=self.deps.settings.sla_warning_lead_minutes)
        changed = 0
        for kind in KINDS:
            for flag in ("Breached", "Warned"):
                due = self.tickets.find(_due(kind, flag, now, lead)).sort(f"sla.{kind}DueAt", 1)
                found = await due.to_list(BATCH)
                for ticket in found:
                    changed += await self._apply(ticket, _flag_edit(ticket, kind, flag, now))
        return changed + await self._close_resolved(now)

    async def _close_resolved(self, now: datetime) -> int:
        cutoff = now - timedelta(days=self.deps.settings.reopen_window_days)
        query = {"status": Status.RESOLVED.value, "resolvedAt": {"$lte": cutoff}}
        found = await self.tickets.find(query).to_list(BATCH)
        closed = 0
        for ticket in found:
            desk = await desk_of(self.deps, ticket["companyId"])
            edit = status_edit(ticket, AUTO_CLOSE, at=now, reason="not reopened in time", calendar=desk.calendar)
            edit.guard = {"status": Status.RESOLVED.value}
            closed += await self._apply(ticket, edit)
        return closed

    async def _apply(self, ticket: Ticket, edit: Edit) -> int:
        """1 when this replica made the change; 0 when another did, or the ticket moved meanwhile."""

        async def work(uow: UnitOfWork) -> Ticket:
            return write(self.deps, uow, system_view(self.deps, ticket["companyId"]), ticket, edit, actor_id=None)

        try:
            await self.deps.outbox.transaction(work)
        except Stale:
            return 0
        return 1
