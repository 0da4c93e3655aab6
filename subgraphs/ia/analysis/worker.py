"""The analysis worker: claims queued tickets in batches, encodes their texts in one go, then for each ticket
stores its vector, classifies it, looks for a duplicate and routes it, with the events, in one transaction."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from subgraphs.ia import store
from subgraphs.ia.analysis import jobs
from subgraphs.ia.analysis.jobs import ROUTE, TRIAGE, Job
from subgraphs.ia.assignment.decide import Decision
from subgraphs.ia.assignment.service import Routing, read_routing, route
from subgraphs.ia.classification.classify import Outcome
from subgraphs.ia.deps import IaDeps
from subgraphs.ia.readmodel.tickets import WORKABLE, Ticket
from subgraphs.ia.similar.duplicates import duplicate_event, likely_duplicate
from subgraphs.ia.triage.text import ticket_text
from subgraphs.kernel import clock
from subgraphs.kernel.events.contracts import ia as ia_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.logging import get_logger

log = get_logger(__name__)
SETTLE = 0.02  # after a nudge, let the transaction that queued the work commit


def needs_agent(ticket: Ticket) -> bool:
    return ticket.get("status") == "open" and not ticket.get("assigneeId")


def as_routed(ticket: Ticket, outcome: Outcome | None) -> Ticket:
    """The ticket as it will stand once a confident classification is applied (its category picks skills)."""
    if outcome is None or outcome.needs_review or not outcome.label("category"):
        return ticket
    return {**ticket, "category": outcome.label("category")}


class Analyst:
    def __init__(self, deps: IaDeps) -> None:
        self.deps = deps
        self._wake = asyncio.Event()
        self.working = False

    def nudge(self) -> None:
        """Work was queued: look for it now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            await clock.woken(self._wake, self.deps.settings.poll_seconds)
            self._wake.clear()
            await asyncio.sleep(SETTLE)
            try:
                while await self.work_once():
                    pass
            except Exception as exc:  # the database away: try again at the next poll
                log.warning("analysis paused", extra={"error": repr(exc)})

    async def work_once(self) -> int:
        """Claim and work one batch; how many jobs it held."""
        claimed = await jobs.claim(self.deps.db, limit=self.deps.settings.batch_size)
        if not claimed:
            return 0
        self.working = True
        try:
            await self._batch(claimed)
        finally:
            self.working = False
        return len(claimed)

    async def _batch(self, claimed: list[Job]) -> None:
        ids = [job["_id"] for job in claimed]
        tickets = {t["_id"]: t for t in await self.deps.db[store.TICKETS].find({"_id": {"$in": ids}}).to_list(None)}
        triage = [job["_id"] for job in claimed if TRIAGE in job["tasks"] and job["_id"] in tickets]
        try:
            vectors, outcomes = await self._triage([tickets[i] for i in triage])
        except Exception as exc:
            log.error("triage batch failed", extra={"error": repr(exc), "tickets": len(triage)})
            await self._failed(claimed)
            return
        found = {ticket_id: (vectors[row], outcomes[row]) for row, ticket_id in enumerate(triage)}
        routings: dict[str, Routing] = {}  # by company: its agents' work, read once for the batch
        for job in claimed:
            vector, outcome = found.get(job["_id"], (None, None))
            try:
                await self._ticket(job, tickets.get(job["_id"]), vector, outcome, routings)
            except Exception as exc:
                log.error("analysis of a ticket failed", extra={"ticketId": job["_id"], "error": repr(exc)})
                await self._failed([job])

    async def _triage(self, tickets: list[Ticket]) -> tuple[np.ndarray, list[Outcome | None]]:
        if not tickets:
            return np.zeros((0, 0), dtype=np.float32), []
        vectors = await self.deps.embedder.encode([ticket_text(t.get("title"), t.get("description")) for t in tickets])
        return vectors, await self.deps.classifier.classify(tickets, vectors)

    async def _failed(self, claimed: list[Job]) -> None:
        for job in claimed:
            if await jobs.give_up_or_retry(self.deps.db, job):
                log.error("analysis given up", extra={"ticketId": job["_id"], "attempts": job.get("attempts")})

    async def _ticket(self, job: Job, ticket: Ticket | None, vector: np.ndarray | None,
                      outcome: Outcome | None, routings: dict[str, Routing]) -> None:
        deps, settings = self.deps, self.deps.settings
        duplicate = None
        if ticket is not None and vector is not None and ticket.get("status") in WORKABLE:
            duplicate = await likely_duplicate(deps.db, deps.index, ticket, vector, minimum=settings.duplicate_min,
                                               window=timedelta(days=settings.duplicate_window_days))
        routing: Routing | None = None
        if ticket is not None and ROUTE in job["tasks"] and needs_agent(ticket):
            company, now = ticket["companyId"], clock.now()
            routing = routings.get(company) or await read_routing(deps.db, company, now=now, windows=deps.windows)
            routings[company] = routing
        routed: tuple[Decision, datetime] | None = None  # the last run's: a rerun of the unit decides again
        finish = jobs.Finish(deps.db, job)

        async def work(uow: UnitOfWork) -> None:
            nonlocal routed
            routed = None
            if ticket is not None:
                routed = await self._conclude(uow, job, ticket, vector, outcome, duplicate, routing)
            await finish(uow)

        await deps.outbox.transaction(work)
        if ticket is not None and vector is not None:
            deps.index.remember(ticket["companyId"], ticket["_id"], vector)
        if routing is not None and ticket is not None and routed is not None:
            decision, at = routed
            routing.suggested(ticket, decision.chosen.user_id if decision.chosen else None, at)

    async def _conclude(self, uow: UnitOfWork, job: Job, ticket: Ticket, vector: np.ndarray | None,
                        outcome: Outcome | None, duplicate: tuple[Ticket, float] | None, routing: Routing | None
                        ) -> tuple[Decision, datetime] | None:
        """The ticket's findings stored and announced; its routing decision and when, if it was routed."""
        deps, now, company = self.deps, clock.now(), ticket["companyId"]
        found: dict[str, Any] = {}
        if vector is not None:
            deps.index.stage(uow, ticket_id=ticket["_id"], company_id=company, vector=vector)
        if outcome is not None:
            found["classification"] = outcome.stored(now)
            uow.emit(ia_events.CLASSIFIED, outcome.event(ticket["_id"]), company_id=company, actor_id=None)
        if duplicate is not None and duplicate[0]["_id"] != (ticket.get("duplicateOf") or {}).get("ticketId"):
            found["duplicateOf"] = {"ticketId": duplicate[0]["_id"], "similarity": round(duplicate[1], 4), "at": now}
            uow.emit(ia_events.DUPLICATE_SUSPECTED, duplicate_event(ticket, *duplicate), company_id=company,
                     actor_id=None)
        if found:
            uow.update(deps.db[store.TICKETS], {"_id": ticket["_id"]}, {"$set": found})
        if ROUTE in job["tasks"] and needs_agent(ticket):
            decision = await route(deps.db, uow, as_routed(ticket, outcome), now=now, windows=deps.windows,
                                   routing=routing)
            return decision, now
        return None
