"""Routing a ticket: the company's agents and their numbers read from the IA's own data, a decision made,
kept with every candidate's factors, and announced (`ticket.assignment_suggested`; with nobody to take it,
also `ticket.assignment_needed`, which tells the company's administrators)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from subgraphs.ia import store
from subgraphs.ia.assignment.activity import ASSIGNED
from subgraphs.ia.assignment.candidates import candidates, skill_match
from subgraphs.ia.assignment.decide import Candidate, Decision, choose
from subgraphs.ia.assignment.scoring import company_baseline
from subgraphs.ia.assignment.stats import AgentStats, OpenTicket, WorkRow, agent_stats
from subgraphs.ia.readmodel.people import Person, can, is_agent
from subgraphs.ia.readmodel.tickets import WORKABLE, Ticket
from subgraphs.kernel.events.contracts import ia as ia_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import TenantCollection

PENDING = timedelta(minutes=10)  # a suggestion not applied yet counts as the agent's work this long


@dataclass(frozen=True)
class Windows:
    """How far back the work log counts, and when an untouched open ticket is stagnant."""

    history: timedelta
    stagnant: timedelta


def routable(person: Person) -> bool:
    return is_agent(person) and not can(person, "tickets.manage")


def of_company(db: Database, name: str, company_id: str) -> TenantCollection:
    """One company's rows of `name`, as the service itself reads them (routing, workload, training)."""
    return TenantCollection(db[name], company_id)


async def company_people(db: Database, company_id: str) -> list[Person]:
    return await of_company(db, store.PEOPLE, company_id).find({"deleted": False}).sort("_id", 1).to_list(None)


def _holder(doc: Ticket, ids: set[str]) -> str | None:
    """Whose work an open ticket is: a delegation's tutor, else the assignee, else a pending suggestion's agent."""
    for field in ("tutorId", "assigneeId", "suggestedTo"):
        if doc.get(field) in ids:
            return str(doc[field])
    return None


async def _open_tickets(db: Database, company_id: str, ids: list[str], now: datetime
                        ) -> tuple[dict[str, dict[str, OpenTicket]], dict[str, dict[str, WorkRow]]]:
    """Each agent's open tickets, and the suggestions not applied yet (counted as given to them: without
    that, tickets routed in a burst would all go to whoever looked least busy before the first was applied);
    both by ticket id."""
    query = {"status": {"$in": list(WORKABLE)}, "$or": [
        {"assigneeId": {"$in": ids}}, {"tutorId": {"$in": ids}},
        {"assigneeId": None, "suggestedTo": {"$in": ids}, "suggestedAt": {"$gte": now - PENDING}}]}
    held: dict[str, dict[str, OpenTicket]] = defaultdict(dict)
    pending: dict[str, dict[str, WorkRow]] = defaultdict(dict)
    async for doc in of_company(db, store.TICKETS, company_id).find(query):
        holder = _holder(doc, set(ids))
        if holder is None:
            continue
        held[holder][doc["_id"]] = _open(doc, now)
        if not doc.get("assigneeId"):
            pending[holder][doc["_id"]] = WorkRow(ASSIGNED, doc["suggestedAt"], doc["_id"], doc.get("priority"))
    return held, pending


def _open(ticket: Ticket, now: datetime) -> OpenTicket:
    return OpenTicket(ticket.get("priority"), ticket.get("createdAt") or now, ticket.get("lastActivityAt"))


async def _work_log(db: Database, company_id: str, ids: list[str], *, now: datetime, windows: Windows
                    ) -> dict[str, list[WorkRow]]:
    rows: dict[str, list[WorkRow]] = defaultdict(list)
    query = {"agentId": {"$in": ids}, "at": {"$gte": now - windows.history}}
    async for row in of_company(db, store.ACTIVITY, company_id).find(query):
        rows[row["agentId"]].append(WorkRow(row["kind"], row["at"], row["ticketId"], row.get("priority"),
                                            row.get("heldMinutes")))
    return rows


@dataclass
class Routing:
    """A company's routable agents and their work, read once for the tickets of one analysis batch.

    Each decision, once committed, is laid on it as the database then shows it (the ticket pending for its agent),
    so the batch's tickets are spread as if the agents' work were read again for each; reading it for each ticket
    was most of the IA's database work (benchmarks/workload/RESULTS.md). What others change meanwhile (an agent
    taking a ticket, another replica's suggestions) is seen from the next batch on, seconds later."""

    people: list[Person]
    held: dict[str, dict[str, OpenTicket]]
    pending: dict[str, dict[str, WorkRow]]
    log: dict[str, list[WorkRow]]

    def stats(self, ids: list[str], *, now: datetime, windows: Windows) -> dict[str, AgentStats]:
        return {i: agent_stats(list(self.held.get(i, {}).values()),
                               [*self.log.get(i, ()), *self.pending.get(i, {}).values()],
                               now=now, window=windows.history, stagnant_after=windows.stagnant)
                for i in ids}

    def suggested(self, ticket: Ticket, agent_id: str | None, now: datetime) -> None:
        """`ticket` was suggested to `agent_id` (or to nobody) at `now`, and that is committed."""
        for held in self.held.values():
            held.pop(ticket["_id"], None)
        for pending in self.pending.values():
            pending.pop(ticket["_id"], None)
        if agent_id is not None:
            self.held.setdefault(agent_id, {})[ticket["_id"]] = _open(ticket, now)
            self.pending.setdefault(agent_id, {})[ticket["_id"]] = WorkRow(ASSIGNED, now, ticket["_id"],
                                                                          ticket.get("priority"))


async def read_routing(db: Database, company_id: str, *, now: datetime, windows: Windows) -> Routing:
    people = [p for p in await company_people(db, company_id) if routable(p)]
    ids = [p["_id"] for p in people]
    held, pending = await _open_tickets(db, company_id, ids, now)
    return Routing(people, held, pending, await _work_log(db, company_id, ids, now=now, windows=windows))


async def agents_stats(db: Database, company_id: str, ids: list[str], *, now: datetime, windows: Windows
                       ) -> dict[str, AgentStats]:
    """Each agent's numbers at `now`, from the read model and the work log."""
    held, pending = await _open_tickets(db, company_id, ids, now)
    known = Routing([], held, pending, await _work_log(db, company_id, ids, now=now, windows=windows))
    return known.stats(ids, now=now, windows=windows)


async def decide(db: Database, ticket: Ticket, *, now: datetime, windows: Windows,
                 routing: Routing | None = None) -> Decision:
    """Who should take `ticket` now, with every candidate's factors (from `routing` when given)."""
    known = routing or await read_routing(db, ticket["companyId"], now=now, windows=windows)
    stats = known.stats([p["_id"] for p in known.people], now=now, windows=windows)
    fit, excluded = candidates(known.people, ticket)
    pool = [Candidate(p["_id"], stats[p["_id"]], skill_match(p, ticket)) for p in fit]
    return choose(pool, company_baseline(list(stats.values())), excluded)


def decision_doc(ticket: Ticket, decision: Decision, now: datetime) -> dict[str, Any]:
    chosen = decision.chosen
    return {
        "_id": new_id(), "companyId": ticket["companyId"], "ticketId": ticket["_id"], "at": now,
        "assigneeId": chosen.user_id if chosen else None, "score": chosen.score if chosen else None,
        "reason": decision.reason, "priority": ticket.get("priority"), "category": ticket.get("category"),
        "careGroup": ticket.get("careGroup"),
        "candidates": [{"userId": s.user_id, "score": s.score, "factors": s.factors} for s in decision.ranked],
        "excluded": [{"userId": user_id, "reason": reason} for user_id, reason in decision.excluded],
    }


async def route(db: Database, uow: UnitOfWork, ticket: Ticket, *, now: datetime, windows: Windows,
                routing: Routing | None = None) -> Decision:
    """Decide, keep the decision, mark the pending suggestion and announce it, in the caller's transaction."""
    decision = await decide(db, ticket, now=now, windows=windows, routing=routing)
    company = ticket["companyId"]
    uow.insert(of_company(db, store.DECISIONS, company), decision_doc(ticket, decision, now))
    chosen = decision.chosen
    uow.update(of_company(db, store.TICKETS, company), {"_id": ticket["_id"]}, {"$set": {
        "suggestedTo": chosen.user_id if chosen else None, "suggestedAt": now}})
    uow.emit(ia_events.ASSIGNMENT_SUGGESTED, {
        "ticketId": ticket["_id"], "assigneeId": chosen.user_id if chosen else None,
        "score": chosen.score if chosen else 0.0, "factors": chosen.factors if chosen else {},
        "reason": decision.reason}, company_id=company, actor_id=None)
    if chosen is None:
        uow.emit(ia_events.ASSIGNMENT_NEEDED, {"ticketId": ticket["_id"], "reason": decision.reason,
                                              "careGroup": ticket.get("careGroup"), "category": ticket.get("category")},
                 company_id=company, actor_id=None)
    return decision
