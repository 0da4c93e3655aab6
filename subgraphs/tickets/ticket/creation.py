"""Opening a ticket for a catalogue item: validated whole, numbered, and stored with its event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Forbidden
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.kernel.validation import Problems
from subgraphs.tickets import store, validation
from subgraphs.tickets.catalogue.forms import answers_map, check_answers
from subgraphs.tickets.catalogue.priority import RANK, Priority
from subgraphs.tickets.catalogue.service import usable_item
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.desk.service import Desk, desk_of
from subgraphs.tickets.people.lookup import active_people
from subgraphs.tickets.sla import clocks
from subgraphs.tickets.ticket import history
from subgraphs.tickets.ticket.attachments import Checked, Upload, check_uploads, save
from subgraphs.tickets.ticket.documents import snapshot
from subgraphs.tickets.ticket.lifecycle import Status
from subgraphs.tickets.ticket.reference import next_reference

MAX_DESCRIPTION = 20_000
MAX_WATCHERS = 50


@dataclass(frozen=True)
class TicketDraft:
    item_id: str
    title: str
    description: str
    answers: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    watcher_ids: tuple[str, ...] = ()
    attachments: tuple[Upload, ...] = ()


@dataclass(frozen=True)
class TicketInput:
    """A draft once validated: what the new ticket will hold."""

    title: str
    description: str
    tags: list[str]
    answers: list[dict[str, Any]]
    watchers: list[str]
    files: list[Checked]


async def check_watchers(db: Database, *, company_id: str, user_ids: list[str], problems: Problems) -> list[str]:
    """People of the company to follow a ticket (unknown or inactive ones are refused)."""
    wanted = list(dict.fromkeys(user_ids))
    if len(wanted) > MAX_WATCHERS:
        problems.add(f"a ticket has at most {MAX_WATCHERS} watchers", "watcherIds")
        return []
    found = await active_people(db, company_id=company_id, user_ids=wanted)
    missing = [u for u in wanted if u not in found]
    if missing:
        problems.add(f"no active person of this company has the id {', '.join(missing)}", "watcherIds")
    return [u for u in wanted if u in found]


def _answers(item: dict[str, Any], draft: TicketDraft) -> list[dict[str, Any]]:
    return check_answers(item["form"], answers_map(list(draft.answers)))


async def _check(deps: TicketsDeps, actor: Principal, item: dict[str, Any], draft: TicketDraft) -> TicketInput:
    problems = Problems()
    title = problems.check(validation.line, draft.title, field="title", max_length=200)
    description = problems.check(validation.text, draft.description, field="description", max_length=MAX_DESCRIPTION)
    tags = problems.check(validation.labels, draft.tags, field="tags") or []
    answers = problems.check(_answers, item, draft) or []
    watchers = await check_watchers(deps.db, company_id=actor.company_id, user_ids=list(draft.watcher_ids),
                                    problems=problems)
    files = check_uploads(list(draft.attachments), max_bytes=deps.settings.max_attachment_bytes,
                          room=deps.settings.max_attachments_per_ticket, problems=problems)
    problems.raise_if_any()
    assert title is not None and description is not None
    return TicketInput(title, description, tags, answers, [w for w in watchers if w != actor.user_id], files)


def new_ticket(item: dict[str, Any], checked: TicketInput, *, actor: Principal, desk: Desk, now: datetime,
               attachments: list[dict[str, Any]]) -> dict[str, Any]:
    sla = clocks.start(now, response_minutes=item["responseMinutes"], resolution_minutes=item["resolutionMinutes"],
                       calendar=desk.calendar)
    return {
        "_id": new_id(), "companyId": actor.company_id, "title": checked.title, "description": checked.description,
        "itemId": item["_id"], "itemName": item["name"], "type": item["type"], "category": item["category"],
        "impact": item["impact"], "urgency": item["urgency"], "priority": item["priority"],
        "priorityRank": RANK[Priority(item["priority"])], "careGroup": item.get("careGroup"), "tags": checked.tags,
        "answers": checked.answers, "attachments": attachments, "watchers": checked.watchers,
        "status": Status.OPEN.value, "holdReason": None, "creatorId": actor.user_id, "assigneeId": None,
        "tutorId": None, "createdAt": now, "updatedAt": now, "statusChangedAt": now, "resolvedAt": None,
        "closedAt": None, "doneAt": None, "resolverId": None, "sla": sla, "rating": None, "previousRatings": [],
        "commentCount": 0, "publicCommentCount": 0, "mergedIntoId": None, "parentId": None, "relatedIds": [],
        "classification": None,
        "suggestion": None, "needsReview": False, "manualTriage": False, "version": 1,
        "participants": list(dict.fromkeys([actor.user_id, *checked.watchers])),
    }


async def create_ticket(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, *, draft: TicketDraft
                        ) -> dict[str, Any]:
    if not actor.can("tickets.create"):
        raise Forbidden("you lack the permission tickets.create", permission="tickets.create")
    item = await usable_item(deps.db, company_id=actor.company_id, item_id=draft.item_id)
    if item is None:
        raise BadUserInput("no active catalogue item of your company has this id", field="itemId")
    checked = await _check(deps, actor, item, draft)
    desk = await desk_of(deps, actor.company_id)
    attachments = await save(deps.storage, checked.files, company_id=actor.company_id, actor_id=actor.user_id)
    now = clock.now()
    ticket = new_ticket(item, checked, actor=actor, desk=desk, now=now, attachments=attachments)
    tickets = tenancy.collection(store.TICKETS)
    year = now.astimezone(desk.calendar.zone).year
    ticket["number"], ticket["reference"] = await next_reference(deps.db, company_id=actor.company_id, year=year)

    async def work(uow: UnitOfWork) -> None:
        uow.insert(tickets, ticket)
        history.record(deps.db, uow, ticket, at=now, actor_id=actor.user_id, action="created", changes=[])
        uow.emit(ticket_events.CREATED, snapshot(ticket), company_id=actor.company_id, actor_id=actor.user_id)

    await deps.outbox.transaction(work)
    return ticket
