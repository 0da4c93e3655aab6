"""The Ticket entity."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import strawberry

from subgraphs.kernel import clock
from subgraphs.kernel.graphql.pagination import Connection, Sort, paginate
from subgraphs.tickets import store
from subgraphs.tickets.conversation.counts import public_comment_count
from subgraphs.tickets.deps import deps_of
from subgraphs.tickets.graphql.enums import Level, Priority, TicketStatus, TicketType
from subgraphs.tickets.graphql.loaders import load_ticket, load_tickets
from subgraphs.tickets.graphql.types.catalogue import ServiceItem, item_or_none
from subgraphs.tickets.graphql.types.common import Company, Ctx, User, user, users
from subgraphs.tickets.graphql.types.conversation import Comment, HistoryEntry
from subgraphs.tickets.graphql.types.parts import (
    AssignmentSuggestion,
    Attachment,
    FormAnswer,
    Rating,
    TicketSla,
)
from subgraphs.tickets.ticket.access import Standing, standing, visibility_filter
from subgraphs.tickets.ticket.finding import company_view
from subgraphs.tickets.ticket.lifecycle import Situation, allowed_targets

CHRONOLOGICAL = Sort("_id", descending=False)


@strawberry.federation.type(keys=["id"], description="A request or incident raised with the service desk.")
class Ticket:
    id: strawberry.ID
    reference: str = strawberry.field(description="The company's human reference, e.g. TKT-2026-000123.")
    # Shareable: chat provides it with each message from its own read model (Message.ticket @provides).
    title: str = strawberry.federation.field(shareable=True)
    description: str
    type: TicketType
    category: str
    impact: Level
    urgency: Level
    priority: Priority
    tags: list[str]
    care_group: str | None
    status: TicketStatus
    hold_reason: str | None
    reopen_count: int
    needs_review: bool = strawberry.field(description="The IA was unsure of its triage; a person should look. "
                                                      "(Its classification itself is the IA subgraph's field.)")
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    doc: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Ticket:
        return cls(
            id=strawberry.ID(doc["_id"]), reference=doc["reference"], title=doc["title"],
            description=doc["description"], type=TicketType(doc["type"]), category=doc["category"],
            impact=Level(doc["impact"]), urgency=Level(doc["urgency"]), priority=Priority(doc["priority"]),
            tags=list(doc["tags"]), care_group=doc.get("careGroup"), status=TicketStatus(doc["status"]),
            hold_reason=doc.get("holdReason"),
            reopen_count=doc.get("reopenCount", 0), needs_review=doc["needsReview"], created_at=doc["createdAt"],
            updated_at=doc["updatedAt"], status_changed_at=doc["statusChangedAt"],
            resolved_at=doc.get("resolvedAt"), closed_at=doc.get("closedAt"), doc=doc,
        )

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Ticket | None:
        doc = await load_ticket(info.context, str(id))
        return cls.from_doc(doc) if doc else None

    def _mine(self, info: Ctx) -> Standing:
        return standing(info.context.require(), self.doc)

    @strawberry.field
    def company(self) -> Company:
        return Company(id=strawberry.ID(self.doc["companyId"]))

    @strawberry.field
    async def item(self, info: Ctx) -> ServiceItem | None:
        return await item_or_none(info, self.doc["itemId"])

    @strawberry.field
    def answers(self) -> list[FormAnswer]:
        return [FormAnswer.from_doc(a) for a in self.doc["answers"]]

    @strawberry.field
    def attachments(self) -> list[Attachment]:
        return [Attachment.from_doc(a) for a in self.doc["attachments"]]

    @strawberry.field
    def creator(self) -> User:
        return User(id=strawberry.ID(self.doc["creatorId"]))

    @strawberry.field
    def assignee(self) -> User | None:
        return user(self.doc.get("assigneeId"))

    @strawberry.field(description="The agent who delegated the ticket to an intern, and still answers for it.")
    def tutor(self) -> User | None:
        return user(self.doc.get("tutorId"))

    @strawberry.field
    def watchers(self) -> list[User]:
        return users(self.doc["watchers"])

    @strawberry.field
    def sla(self) -> TicketSla:
        return TicketSla.from_doc(self.doc["sla"])

    @strawberry.field(description="The creator's rating of the current resolution: null until they rate it, and "
                                  "null again once the ticket is reopened (that rating moves to previousRatings).")
    def rating(self) -> Rating | None:
        return Rating.from_doc(self.doc["rating"]) if self.doc.get("rating") else None

    @strawberry.field(description="Ratings of earlier resolutions that a reopen undid, oldest first.")
    def previous_ratings(self) -> list[Rating]:
        return [Rating.from_doc(doc) for doc in self.doc.get("previousRatings") or ()]

    @strawberry.field(description="Desk staff only; null for others.")
    def assignment_suggestion(self, info: Ctx) -> AssignmentSuggestion | None:
        found = self.doc.get("suggestion")
        return AssignmentSuggestion.from_doc(found) if found and self._mine(info).staff else None

    @strawberry.field(description="The states you may move this ticket to now.")
    def allowed_transitions(self, info: Ctx) -> list[TicketStatus]:
        window = timedelta(days=deps_of(info.context).settings.reopen_window_days)
        situation = Situation.of(self.doc, now=clock.now(), reopen_window=window)
        return allowed_targets(situation, self._mine(info))

    @strawberry.field(description="The primary ticket this duplicate was merged into.")
    async def merged_into(self, info: Ctx) -> Ticket | None:
        return await _ticket(info, self.doc.get("mergedIntoId"))

    @strawberry.field
    async def parent(self, info: Ctx) -> Ticket | None:
        return await _ticket(info, self.doc.get("parentId"))

    @strawberry.field
    async def related(self, info: Ctx) -> list[Ticket]:
        return [Ticket.from_doc(t) for t in await load_tickets(info.context, self.doc["relatedIds"])]

    @strawberry.field
    async def children(self, info: Ctx) -> list[Ticket]:
        principal = info.context.require()
        company = self.doc["companyId"]
        tickets = company_view(info.context.tenancy, principal, store.TICKETS, company)
        rows = await tickets.find({"parentId": self.doc["_id"], **visibility_filter(principal, company)}).sort(
            "_id", 1).to_list(None)
        return [Ticket.from_doc(t) for t in rows]

    def _view(self, info: Ctx, name: str) -> tuple[Any, dict[str, Any]]:
        """A collection of this ticket's company, and the filter of its rows the caller may read."""
        principal = info.context.require()
        rows = company_view(info.context.tenancy, principal, name, self.doc["companyId"])
        hidden = {} if self._mine(info).sees_notes else {"internal": False}
        return rows, {"ticketId": self.doc["_id"], **hidden}

    @strawberry.field(description="How many comments the ticket has that you may read: internal notes count only "
                                  "for those who read them (as in `comments`). Deleted comments keep their place "
                                  "and their count.")
    def comment_count(self, info: Ctx) -> int:
        return int(self.doc["commentCount"]) if self._mine(info).sees_notes else public_comment_count(self.doc)

    @strawberry.field(description="Oldest first. Internal notes only for those who read them.")
    async def comments(self, info: Ctx, first: int | None = None, after: str | None = None) -> Connection[Comment]:
        rows, query = self._view(info, store.COMMENTS)
        return await paginate(rows, query, first=first, after=after, to_node=Comment.from_doc, sort=CHRONOLOGICAL)

    @strawberry.field(description="Every change, oldest first.")
    async def history(self, info: Ctx, first: int | None = None, after: str | None = None
                      ) -> Connection[HistoryEntry]:
        rows, query = self._view(info, store.HISTORY)
        return await paginate(rows, query, first=first, after=after, to_node=HistoryEntry.from_doc,
                              sort=CHRONOLOGICAL)


async def _ticket(info: Ctx, ticket_id: str | None) -> Ticket | None:
    doc = await load_ticket(info.context, ticket_id) if ticket_id else None
    return Ticket.from_doc(doc) if doc else None
