"""Replying on a ticket, with internal notes kept from customers and replies that answer the SLA."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Forbidden, NotFound
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.tenancy import Tenancy, TenantCollection
from subgraphs.tickets import store, validation
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.desk.service import desk_of
from subgraphs.tickets.people.lookup import active_people, can
from subgraphs.tickets.sla import clocks
from subgraphs.tickets.ticket import history
from subgraphs.tickets.ticket.access import Standing, standing
from subgraphs.tickets.ticket.changes import Edit, Ticket, change
from subgraphs.tickets.ticket.editing import ensure_editable
from subgraphs.tickets.ticket.finding import company_view, locate, visible_tickets
from subgraphs.tickets.ticket.history import FieldChange

MAX_BODY = 10_000
MAX_MENTIONS = 20
EXCERPT = 280
Comment = dict[str, Any]


@dataclass(frozen=True)
class CommentDraft:
    body: str
    internal: bool = False
    mention_ids: tuple[str, ...] = ()


async def _mentions(deps: TicketsDeps, ticket: Ticket, draft: CommentDraft, author_id: str) -> list[str]:
    """The people a comment mentions: active in the ticket's company, and staff for an internal note."""
    wanted = [m for m in dict.fromkeys(draft.mention_ids) if m != author_id]
    if len(wanted) > MAX_MENTIONS:
        raise BadUserInput(f"a comment mentions at most {MAX_MENTIONS} people", field="mentionIds")
    found = await active_people(deps.db, company_id=ticket["companyId"], user_ids=wanted)
    missing = [m for m in wanted if m not in found]
    if missing:
        raise BadUserInput(f"no active person of the ticket's company has the id {', '.join(missing)}",
                           field="mentionIds")
    if draft.internal:
        outside = [found[m]["email"] for m in wanted if not can(found[m], "tickets.internal_notes")]
        if outside:
            raise BadUserInput(f"internal notes are not shown to {', '.join(outside)}", field="mentionIds")
    return wanted


async def _answered(deps: TicketsDeps, ticket: Ticket, mine: Standing, internal: bool) -> dict[str, Any]:
    """A public reply from the desk (not from the creator) is the ticket's first response, if none came yet."""
    if internal or not mine.staff or mine.creator or not clocks.running(ticket["sla"], "response"):
        return {}
    desk = await desk_of(deps, ticket["companyId"])
    return {"sla": clocks.respond(ticket["sla"], clock.now(), desk.calendar)}


def _comment_edit(ticket: Ticket, comment: Comment, mentions: list[str], answered: dict[str, Any]) -> Edit:
    newcomers = [m for m in mentions if m not in ticket["watchers"]] if not comment["internal"] else []
    # commentCount counts every comment, publicCommentCount those everyone on the ticket reads (not internal notes)
    counts = {"commentCount": 1, "publicCommentCount": 0 if comment["internal"] else 1}
    ops: dict[str, dict[str, Any]] = {"$inc": counts}
    if newcomers:  # mentioned in a public reply: they follow the ticket from now on
        ops["$addToSet"] = {"watchers": {"$each": newcomers}}
    base = {"commentId": comment["_id"], "authorId": comment["authorId"], "internal": comment["internal"],
            "excerpt": comment["body"][:EXCERPT]}
    events = [(ticket_events.COMMENTED, {**base, "mentionIds": mentions})]
    events += [(ticket_events.MENTIONED, {**base, "mentionedUserId": m}) for m in mentions]
    action = "note_added" if comment["internal"] else "replied"
    return Edit(action, set={"lastActivityAt": comment["createdAt"], **answered}, ops=ops,
                changes=[FieldChange("comments", None, comment["_id"])], events=events, at=comment["createdAt"],
                internal=comment["internal"])


async def add_comment(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *,
                      draft: CommentDraft) -> tuple[Comment, Ticket]:
    """A comment is an append: another change of the ticket meanwhile (a second comment at the same moment, say)
    does not refuse it; it is applied again on the ticket as it is now (`change`)."""
    read = await locate(tenancy, actor, ticket_id)
    ticket = read[0]
    mine = standing(actor, ticket)
    ensure_editable(ticket)
    if draft.internal and not mine.notes:
        raise Forbidden("internal notes need the permission tickets.internal_notes",
                        permission="tickets.internal_notes")
    body = validation.text(draft.body, field="body", max_length=MAX_BODY)
    mentions = await _mentions(deps, ticket, draft, actor.user_id)
    comment = {"_id": new_id(), "ticketId": ticket["_id"], "companyId": ticket["companyId"],
               "authorId": actor.user_id, "body": body, "internal": draft.internal, "mentions": mentions,
               "createdAt": clock.now(), "editedAt": None, "deleted": False, "deletedAt": None, "deletedBy": None,
               "mergedFromId": None}
    comments = company_view(tenancy, actor, store.COMMENTS, ticket["companyId"])

    async def insert(uow: UnitOfWork, _: Ticket) -> None:
        uow.insert(comments, comment)

    async def plan(current: Ticket) -> Edit:  # as it is now: still yours, still open?
        ensure_editable(current)
        now_mine = standing(actor, current)
        return _comment_edit(current, comment, mentions, await _answered(deps, current, now_mine, draft.internal))

    return comment, await change(deps, tenancy, actor, ticket_id, plan, also=insert, read=read)


async def _visible_comment(tenancy: Tenancy, actor: Principal, comment_id: str
                           ) -> tuple[Comment, Ticket, TenantCollection]:
    """A live comment on a ticket the caller sees (an internal note only for those who read notes)."""
    found = await tenancy.collection(store.COMMENTS).find_one({"_id": comment_id, "deleted": False})
    if found is None and actor.holds("tickets.read.global"):
        anywhere = tenancy.everywhere(store.COMMENTS, permission="tickets.read")
        found = await anywhere.find_one({"_id": comment_id, "deleted": False})
    ticket = (await visible_tickets(tenancy, actor, [found["ticketId"]])).get(found["ticketId"]) if found else None
    if found is None or ticket is None or (found["internal"] and not standing(actor, ticket).sees_notes):
        raise NotFound("no such comment", commentId=comment_id)
    return found, ticket, company_view(tenancy, actor, store.COMMENTS, ticket["companyId"])


async def find_comment(tenancy: Tenancy, actor: Principal, comment_id: str) -> tuple[Comment, Ticket]:
    """A live comment the caller may read, with its ticket; NOT_FOUND otherwise."""
    comment, ticket, _ = await _visible_comment(tenancy, actor, comment_id)
    return comment, ticket


async def _save(deps: TicketsDeps, comments: TenantCollection, comment: Comment, ticket: Ticket, *,
                changes: dict[str, Any], action: str, event: str, actor_id: str) -> Comment:
    """Change a comment, with its history row on the ticket and its event, in one transaction."""
    now = clock.now()

    async def work(uow: UnitOfWork) -> Comment:
        updated = await comments.find_one_and_update({"_id": comment["_id"], "deleted": False},
                                                     {"$set": {**changes, f"{action}At": now}},
                                                     session=uow.session, return_document=True)
        if updated is None:
            raise NotFound("no such comment", commentId=comment["_id"])
        kept = None if action == "deleted" else comment["_id"]
        history.record(deps.db, uow, ticket, at=now, actor_id=actor_id, action=f"comment_{action}",
                       changes=[FieldChange("comments", comment["_id"], kept)], internal=comment["internal"])
        uow.emit(event, {"ticketId": ticket["_id"], "commentId": comment["_id"], "internal": comment["internal"]},
                 company_id=ticket["companyId"], actor_id=actor_id)
        return updated

    return await deps.outbox.transaction(work)


async def edit_comment(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, comment_id: str, *, body: str
                       ) -> Comment:
    comment, ticket, comments = await _visible_comment(tenancy, actor, comment_id)
    if comment["authorId"] != actor.user_id:
        raise Forbidden("only the author edits a comment")
    window = timedelta(minutes=deps.settings.comment_edit_window_minutes)
    if clock.now() > comment["createdAt"] + window:
        raise BadUserInput(f"comments can be edited for {deps.settings.comment_edit_window_minutes} minutes",
                           field="id")
    ensure_editable(ticket)
    text = validation.text(body, field="body", max_length=MAX_BODY)
    return await _save(deps, comments, comment, ticket, changes={"body": text}, action="edited",
                       event=ticket_events.COMMENT_EDITED, actor_id=actor.user_id)


async def delete_comment(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, comment_id: str) -> Comment:
    """Hide a comment (it stays in the database for the record)."""
    comment, ticket, comments = await _visible_comment(tenancy, actor, comment_id)
    if comment["authorId"] != actor.user_id and not standing(actor, ticket).supervisor:
        raise Forbidden("only the author or a supervisor deletes a comment")
    return await _save(deps, comments, comment, ticket, changes={"deleted": True, "deletedBy": actor.user_id},
                       action="deleted", event=ticket_events.COMMENT_DELETED, actor_id=actor.user_id)
