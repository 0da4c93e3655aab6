"""Editing a ticket: its text and triage fields, its attachments and who watches it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Forbidden
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.kernel.validation import Problems
from subgraphs.tickets import validation
from subgraphs.tickets.catalogue.priority import RANK, Level, Priority, TicketType, priority_of
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.people.lookup import active_person
from subgraphs.tickets.ticket.access import Standing, standing
from subgraphs.tickets.ticket.attachments import Upload, check_uploads, save
from subgraphs.tickets.ticket.changes import Edit, Ticket, change
from subgraphs.tickets.ticket.creation import MAX_DESCRIPTION, MAX_WATCHERS
from subgraphs.tickets.ticket.finding import locate
from subgraphs.tickets.ticket.history import FieldChange, diff
from subgraphs.tickets.ticket.lifecycle import FINAL, Status

TRIAGE = ("type", "category", "impact", "urgency", "priority", "tags")


@dataclass(frozen=True)
class TicketChanges:
    """Fields to change; None leaves a field as it is."""

    title: str | None = None
    description: str | None = None
    type: TicketType | None = None
    category: str | None = None
    impact: Level | None = None
    urgency: Level | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] | None = None

    def given(self) -> set[str]:
        return {name for name, value in vars(self).items() if value is not None}


def ensure_editable(ticket: Ticket) -> None:
    if Status(ticket["status"]) in FINAL:
        raise BadUserInput(f"the ticket is {Status(ticket['status']).label}; it can no longer change", field="id")


def _ensure_may_edit(ticket: Ticket, mine: Standing, fields: set[str]) -> None:
    if fields & set(TRIAGE) and not mine.editor:
        raise Forbidden("triage fields (type, category, priority, tags) need the permission tickets.update",
                        permission="tickets.update")
    creator_may = mine.creator and ticket["status"] == Status.OPEN.value
    if fields & {"title", "description"} and not (mine.editor or creator_may):
        raise Forbidden("only desk staff, or the creator while the ticket is open, may edit its text")


def _validated(ticket: Ticket, changes: TicketChanges) -> dict[str, Any]:
    problems = Problems()
    values: dict[str, Any] = {}
    if changes.title is not None:
        values["title"] = problems.check(validation.line, changes.title, field="title", max_length=200)
    if changes.description is not None:
        values["description"] = problems.check(validation.text, changes.description, field="description",
                                               max_length=MAX_DESCRIPTION)
    if changes.category is not None:
        values["category"] = problems.check(validation.line, changes.category, field="category", max_length=50)
    if changes.tags is not None:
        values["tags"] = problems.check(validation.labels, changes.tags, field="tags")
    problems.raise_if_any()
    values.update({k: getattr(changes, k).value for k in ("type", "impact", "urgency", "priority")
                   if getattr(changes, k) is not None})
    if "priority" not in values and ({"impact", "urgency"} & set(values)):
        impact, urgency = values.get("impact") or ticket["impact"], values.get("urgency") or ticket["urgency"]
        values["priority"] = priority_of(Level(impact), Level(urgency)).value
    return values


async def update_ticket(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *,
                        changes: TicketChanges) -> Ticket:
    async def plan(ticket: Ticket) -> Edit | None:
        ensure_editable(ticket)
        _ensure_may_edit(ticket, standing(actor, ticket), changes.given())
        values = _validated(ticket, changes)
        changed = diff(ticket, values)
        if not changed and ticket.get("needsReview") and set(values) & set(TRIAGE):
            # a person confirmed the IA's triage as it stands: nothing changes but the review is done
            changed = [FieldChange("needsReview", True, False)]
        if not changed:
            return None
        fields = {c.field: c.new for c in changed}
        if "priority" in fields:
            fields["priorityRank"] = RANK[Priority(fields["priority"])]
        if set(values) & set(TRIAGE):  # a person triaged it: the IA no longer overwrites, nothing awaits review
            fields.update(manualTriage=True, needsReview=False)
        names = sorted(c.field for c in changed)
        return Edit("updated", set=fields, changes=changed, events=[(ticket_events.UPDATED, {"changed": names})])

    return await change(deps, tenancy, actor, ticket_id, plan)


async def add_attachments(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *,
                          uploads: list[Upload]) -> Ticket:
    limit = deps.settings.max_attachments_per_ticket
    read = await locate(tenancy, actor, ticket_id)
    ticket = read[0]
    ensure_editable(ticket)
    problems = Problems()
    files = check_uploads(uploads, max_bytes=deps.settings.max_attachment_bytes,
                          room=limit - len(ticket["attachments"]), problems=problems)
    if not uploads:
        problems.add("send at least one attachment", "attachments")
    problems.raise_if_any()
    rows = await save(deps.storage, files, company_id=ticket["companyId"], actor_id=actor.user_id)  # once
    names = [row["name"] for row in rows]

    async def plan(current: Ticket) -> Edit:
        ensure_editable(current)
        room = limit - len(current["attachments"])
        if len(rows) > room:  # others were attached meanwhile
            raise BadUserInput(f"a ticket holds at most {room} more attachments", field="attachments")
        return Edit("attachments_added", ops={"$push": {"attachments": {"$each": rows}}},
                    changes=[FieldChange("attachments", None, names)],
                    events=[(ticket_events.UPDATED, {"changed": ["attachments"], "attachmentNames": names})])

    return await change(deps, tenancy, actor, ticket_id, plan, read=read)


async def set_watching(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *,
                       user_id: str | None, watch: bool) -> Ticket:
    """Follow (or stop following) a ticket; the creator and desk staff may add and remove others."""
    target = user_id or actor.user_id

    async def plan(ticket: Ticket) -> Edit | None:
        ensure_editable(ticket)
        mine = standing(actor, ticket)
        if target != actor.user_id and not (mine.editor or mine.creator):
            raise Forbidden("only the creator and desk staff choose who else watches a ticket")
        if target != actor.user_id and await active_person(deps.db, company_id=ticket["companyId"],
                                                           user_id=target) is None:
            raise BadUserInput("no active person of the ticket's company has this id", field="userId")
        if (target in ticket["watchers"]) == watch:
            return None
        if watch and len(ticket["watchers"]) >= MAX_WATCHERS:
            raise BadUserInput(f"a ticket has at most {MAX_WATCHERS} watchers", field="userId")
        op, action = ("$addToSet", "watcher_added") if watch else ("$pull", "watcher_removed")
        row = FieldChange("watchers", None, target) if watch else FieldChange("watchers", target, None)
        return Edit(action, ops={op: {"watchers": target}}, changes=[row],
                    events=[(ticket_events.UPDATED, {"changed": ["watchers"], "watcherId": target, "watching": watch})])

    return await change(deps, tenancy, actor, ticket_id, plan)
