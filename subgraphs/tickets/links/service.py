"""Merging a duplicate into its primary ticket, and linking tickets as parent/child or related."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, Conflict, Forbidden
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.tenancy import Tenancy, TenantCollection
from subgraphs.tickets import store
from subgraphs.tickets.conversation.counts import public_comment_count
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.sla import clocks
from subgraphs.tickets.ticket.changes import Edit, Ticket, commit, retried, write
from subgraphs.tickets.ticket.editing import ensure_editable
from subgraphs.tickets.ticket.finding import company_view, locate
from subgraphs.tickets.ticket.history import FieldChange
from subgraphs.tickets.ticket.lifecycle import FINAL, Status

MAX_DEPTH = 50


class LinkKind(StrEnum):
    PARENT = "parent"  # the other ticket is this one's parent
    CHILD = "child"  # the other ticket is this one's child
    RELATED = "related"


async def _pair(tenancy: Tenancy, actor: Principal, first_id: str, second_id: str
                ) -> tuple[tuple[Ticket, TenantCollection], tuple[Ticket, TenantCollection]]:
    """Two distinct tickets of one company that the caller may merge and link."""
    if first_id == second_id:
        raise BadUserInput("a ticket cannot be linked or merged with itself", field="otherId")
    first, second = await locate(tenancy, actor, first_id), await locate(tenancy, actor, second_id)
    if first[0]["companyId"] != second[0]["companyId"]:
        raise BadUserInput("tickets of different companies cannot be linked or merged", field="otherId")
    if not actor.can("tickets.merge", first[0]["companyId"]):
        raise Forbidden("you lack the permission tickets.merge", permission="tickets.merge")
    return first, second


def _duplicate_edit(duplicate: Ticket, primary: Ticket) -> Edit:
    now = clock.now()
    reason = f"merged into {primary['reference']}"
    fields = {"status": Status.CLOSED.value, "statusChangedAt": now, "closedAt": now,
              "doneAt": duplicate.get("doneAt") or now, "mergedIntoId": primary["_id"], "holdReason": None,
              "sla": clocks.pause(duplicate["sla"], now)}
    changes = [FieldChange("status", Status(duplicate["status"]).label, Status.CLOSED.label),
               FieldChange("mergedIntoId", None, primary["reference"])]
    data = {"from": duplicate["status"], "to": Status.CLOSED.value, "verb": "merge", "reason": reason}
    return Edit("merged_into", set=fields, changes=changes, events=[(ticket_events.STATUS_CHANGED, data)], at=now)


def _primary_edit(primary: Ticket, duplicate: Ticket) -> Edit:
    joining = [u for u in dict.fromkeys([*duplicate["watchers"], duplicate["creatorId"]])
               if u not in primary["watchers"] and u != primary["creatorId"]]
    counts = {"commentCount": duplicate["commentCount"], "publicCommentCount": public_comment_count(duplicate)}
    ops = {"$inc": counts, "$addToSet": {"watchers": {"$each": joining}}}
    data = {"duplicateId": duplicate["_id"], "duplicateReference": duplicate["reference"], "newWatcherIds": joining}
    return Edit("merged", ops=ops, changes=[FieldChange("mergedFrom", None, duplicate["reference"])],
                events=[(ticket_events.MERGED, data)])


async def merge(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, *, primary_id: str, duplicate_id: str
                ) -> Ticket:
    """Close the duplicate with a pointer to the primary, which takes its conversation and watchers."""
    return await retried(lambda: _merge(deps, tenancy, actor, primary_id=primary_id, duplicate_id=duplicate_id))


async def _merge(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, *, primary_id: str, duplicate_id: str
                 ) -> Ticket:
    (primary, primaries), (duplicate, duplicates) = await _pair(tenancy, actor, primary_id, duplicate_id)
    for ticket in (primary, duplicate):
        ensure_editable(ticket)
    if primary.get("mergedIntoId"):
        raise BadUserInput("the primary ticket was itself merged away", field="primaryId")

    async def work(uow: UnitOfWork) -> Ticket:
        write(deps, uow, duplicates, duplicate, _duplicate_edit(duplicate, primary), actor_id=actor.user_id)
        kept = write(deps, uow, primaries, primary, _primary_edit(primary, duplicate), actor_id=actor.user_id)
        comments = company_view(tenancy, actor, store.COMMENTS, primary["companyId"])
        await comments.update_many({"ticketId": duplicate["_id"]},
                                   {"$set": {"ticketId": primary["_id"], "mergedFromId": duplicate["_id"]}},
                                   session=uow.session)
        return kept

    return await deps.outbox.transaction(work)


async def _ancestors(tickets: TenantCollection, ticket: Ticket) -> list[str]:
    chain: list[str] = []
    parent = ticket.get("parentId")
    while parent and len(chain) < MAX_DEPTH:
        chain.append(parent)
        row = await tickets.find_one({"_id": parent}, projection={"parentId": 1})
        parent = row.get("parentId") if row else None
    return chain


def _link_edit(field: str, old: object, new: object, *, ops: dict[str, dict[str, Any]] | None = None,
               fields: dict[str, Any] | None = None) -> Edit:
    return Edit("linked" if new else "unlinked", set=fields or {}, ops=ops or {},
                changes=[FieldChange(field, old, new)], events=[(ticket_events.UPDATED, {"changed": [field]})])


def _ensure_linkable(ticket: Ticket, *, field: str) -> None:
    """A closed or cancelled ticket is finished business: nothing new is linked to it."""
    if Status(ticket["status"]) in FINAL:
        raise BadUserInput(f"{ticket['reference']} is {Status(ticket['status']).label}; "
                           "closed and cancelled tickets cannot be linked", field=field)


async def link(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, other_id: str,
               kind: LinkKind) -> Ticket:
    """Link two open tickets. A ticket has at most one parent: a second, different parent is a conflict
    (unlink the first), never a silent replacement; linking what is already linked changes nothing."""
    return await retried(lambda: _link(deps, tenancy, actor, ticket_id, other_id=other_id, kind=kind))


async def _link(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, other_id: str,
                kind: LinkKind) -> Ticket:
    (ticket, tickets), (other, _) = await _pair(tenancy, actor, ticket_id, other_id)
    _ensure_linkable(ticket, field="id")
    _ensure_linkable(other, field="otherId")
    if kind is LinkKind.CHILD:
        await _link(deps, tenancy, actor, other_id, other_id=ticket_id, kind=LinkKind.PARENT)
        return (await locate(tenancy, actor, ticket_id))[0]
    if kind is LinkKind.PARENT:
        current = ticket.get("parentId")
        if current == other_id:
            return ticket
        if current:
            parent = await tickets.find_one({"_id": current}, projection={"reference": 1})
            raise Conflict(f"{ticket['reference']} already has the parent {(parent or {}).get('reference', current)}; "
                           "unlink it first", parentId=current)
        if ticket_id in await _ancestors(tickets, other) or other.get("parentId") == ticket_id:
            raise BadUserInput(f"{other['reference']} descends from {ticket['reference']}; that would be a loop",
                               field="otherId")
        edit = _link_edit("parentId", ticket.get("parentId"), other_id, fields={"parentId": other_id})
        return await commit(deps, tickets, ticket, edit, actor_id=actor.user_id)
    if other_id in ticket["relatedIds"]:
        return ticket
    return await _relate(deps, tenancy, actor, ticket, other, related=True)


async def _relate(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket: Ticket, other: Ticket, *,
                  related: bool) -> Ticket:
    """Mark two tickets related (or no longer related), both sides in one transaction."""
    op = "$addToSet" if related else "$pull"
    collection = company_view(tenancy, actor, store.TICKETS, ticket["companyId"])

    def edit(that: Ticket) -> Edit:
        return _link_edit("relatedIds", None if related else that["_id"], that["_id"] if related else None,
                          ops={op: {"relatedIds": that["_id"]}})

    async def work(uow: UnitOfWork) -> Ticket:
        first = write(deps, uow, collection, ticket, edit(other), actor_id=actor.user_id)
        write(deps, uow, collection, other, edit(ticket), actor_id=actor.user_id)
        return first

    return await deps.outbox.transaction(work)


async def unlink(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, other_id: str) -> Ticket:
    """Undo whichever link joins the two tickets."""
    return await retried(lambda: _unlink(deps, tenancy, actor, ticket_id, other_id=other_id))


async def _unlink(deps: TicketsDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, other_id: str) -> Ticket:
    (ticket, tickets), (other, others) = await _pair(tenancy, actor, ticket_id, other_id)
    if ticket.get("parentId") == other_id:
        return await commit(deps, tickets, ticket, _link_edit("parentId", other_id, None, fields={"parentId": None}),
                            actor_id=actor.user_id)
    if other.get("parentId") == ticket_id:
        await commit(deps, others, other, _link_edit("parentId", ticket_id, None, fields={"parentId": None}),
                     actor_id=actor.user_id)
        return (await locate(tenancy, actor, ticket_id))[0]
    if other_id in ticket.get("relatedIds", []):
        return await _relate(deps, tenancy, actor, ticket, other, related=False)
    raise BadUserInput(f"{ticket['reference']} and {other['reference']} are not linked", field="otherId")
