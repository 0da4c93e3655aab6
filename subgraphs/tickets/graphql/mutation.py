"""Mutations of the tickets subgraph: each one validates, checks, and writes in one transaction with its event."""

from __future__ import annotations

from typing import Annotated

import strawberry

from subgraphs.kernel import idempotency
from subgraphs.kernel.errors import NotFound
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.tickets.assignment import service as assignment
from subgraphs.tickets.catalogue import importer
from subgraphs.tickets.catalogue import service as catalogue
from subgraphs.tickets.conversation import service as conversation
from subgraphs.tickets.deps import deps_of
from subgraphs.tickets.desk.service import update_desk
from subgraphs.tickets.graphql.enums import LinkKind, TicketStatus
from subgraphs.tickets.graphql.inputs import (
    AttachmentInput,
    CommentInput,
    CreateTicketInput,
    DeskSettingsInput,
    ServiceItemInput,
    UpdateTicketInput,
)
from subgraphs.tickets.graphql.types.catalogue import CatalogueImportReport, CatalogueImportRowError, ServiceItem
from subgraphs.tickets.graphql.types.common import Ctx
from subgraphs.tickets.graphql.types.conversation import Comment
from subgraphs.tickets.graphql.types.desk import DeskSettings
from subgraphs.tickets.graphql.types.ticket import Ticket
from subgraphs.tickets.links import service as links
from subgraphs.tickets.ratings.service import rate
from subgraphs.tickets.ticket.creation import create_ticket
from subgraphs.tickets.ticket.editing import add_attachments, set_watching, update_ticket
from subgraphs.tickets.ticket.finding import visible_tickets
from subgraphs.tickets.ticket.status import change_status


def _scope(company_id: strawberry.ID | None, platform_wide: bool, own: str) -> str | None:
    """The company an item goes to: `companyId`, or none for a platform-wide item, or the caller's own."""
    return None if platform_wide else str(company_id or own)


@strawberry.type
class CatalogueMutation:
    @strawberry.mutation(description="Add an item to your company's catalogue (or, platform staff, to another's "
                                      "or to every company's with platformWide).")
    async def create_service_item(self, info: Ctx, input: ServiceItemInput, company_id: strawberry.ID | None = None,
                                  platform_wide: bool = False) -> ServiceItem:
        ctx = info.context
        principal = ctx.require()
        doc = await catalogue.create_item(deps_of(ctx), ctx.tenancy, principal,
                                          company_id=_scope(company_id, platform_wide, principal.company_id),
                                          draft=input.draft())
        return ServiceItem.from_doc(doc)

    @strawberry.mutation(description="Replace an item's details (active: false archives it).")
    async def update_service_item(self, info: Ctx, id: strawberry.ID, input: ServiceItemInput) -> ServiceItem:
        ctx = info.context
        doc = await catalogue.update_item(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), draft=input.draft())
        return ServiceItem.from_doc(doc)

    @strawberry.mutation(description="Create many items at once; each refused row is reported with its reasons.")
    async def import_service_items(self, info: Ctx, items: list[ServiceItemInput],
                                   company_id: strawberry.ID | None = None, platform_wide: bool = False
                                   ) -> CatalogueImportReport:
        ctx = info.context
        principal = ctx.require()
        report = await importer.import_items(deps_of(ctx), ctx.tenancy, principal,
                                             company_id=_scope(company_id, platform_wide, principal.company_id),
                                             drafts=[i.draft() for i in items])
        return CatalogueImportReport(
            created_count=len(report.created), created=[ServiceItem.from_doc(d) for d in report.created],
            errors=[CatalogueImportRowError(row=e.row, name=e.name, reasons=e.reasons) for e in report.errors])

    @strawberry.mutation(description="Change the business calendar or automatic assignment of a company.")
    async def update_desk_settings(self, info: Ctx, input: DeskSettingsInput,
                                   company_id: strawberry.ID | None = None) -> DeskSettings:
        ctx = info.context
        principal = ctx.require()
        calendar = input.calendar.calendar() if input.calendar else None
        desk = await update_desk(deps_of(ctx), ctx.tenancy, principal,
                                 company_id=str(company_id or principal.company_id), calendar=calendar,
                                 auto_assign=input.auto_assign)
        return DeskSettings.of(desk)


@strawberry.type
class TicketMutation:
    @strawberry.mutation(description="Open a ticket for a catalogue item, answering its form.")
    async def create_ticket(self, info: Ctx, input: CreateTicketInput,
                            idempotency_key: Annotated[str | None, strawberry.argument(
                                description=idempotency.DESCRIPTION)] = None) -> Ticket:
        ctx = info.context
        draft = await input.draft()

        async def run() -> Ticket:
            return Ticket.from_doc(await create_ticket(deps_of(ctx), ctx.tenancy, ctx.require(), draft=draft))

        async def replay(ticket_id: str) -> Ticket:
            doc = (await visible_tickets(ctx.tenancy, ctx.require(), [ticket_id])).get(ticket_id)
            if doc is None:
                raise NotFound("the ticket this key created is no longer yours to see", ticketId=ticket_id)
            return Ticket.from_doc(doc)

        return await idempotency.once(ctx.runtime.db, ctx.require(), "createTicket", idempotency_key, repr(draft),
                                      result_of=idempotency.created(ticket_events.CREATED, "ticketId"), run=run,
                                      replay=replay)

    @strawberry.mutation
    async def update_ticket(self, info: Ctx, id: strawberry.ID, input: UpdateTicketInput) -> Ticket:
        ctx = info.context
        doc = await update_ticket(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), changes=input.changes())
        return Ticket.from_doc(doc)

    @strawberry.mutation(description="Attach files (base64; images, PDF, ZIP or plain text).")
    async def add_ticket_attachments(self, info: Ctx, id: strawberry.ID, attachments: list[AttachmentInput]
                                     ) -> Ticket:
        ctx = info.context
        doc = await add_attachments(deps_of(ctx), ctx.tenancy, ctx.require(), str(id),
                                    uploads=[await a.upload() for a in attachments])
        return Ticket.from_doc(doc)

    @strawberry.mutation(description="Follow a ticket (yourself, or someone else of its company).")
    async def watch_ticket(self, info: Ctx, id: strawberry.ID, user_id: strawberry.ID | None = None) -> Ticket:
        ctx = info.context
        doc = await set_watching(deps_of(ctx), ctx.tenancy, ctx.require(), str(id),
                                 user_id=str(user_id) if user_id else None, watch=True)
        return Ticket.from_doc(doc)

    @strawberry.mutation
    async def unwatch_ticket(self, info: Ctx, id: strawberry.ID, user_id: strawberry.ID | None = None) -> Ticket:
        ctx = info.context
        doc = await set_watching(deps_of(ctx), ctx.tenancy, ctx.require(), str(id),
                                 user_id=str(user_id) if user_id else None, watch=False)
        return Ticket.from_doc(doc)

    @strawberry.mutation(description="Move a ticket on: start, hold (reason required), resume, resolve, close, "
                                      "cancel or reopen. A refused move names the allowed ones.")
    async def change_ticket_status(self, info: Ctx, id: strawberry.ID, status: TicketStatus,
                                   reason: str | None = None) -> Ticket:
        ctx = info.context
        doc = await change_status(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), target=status, reason=reason)
        return Ticket.from_doc(doc)


@strawberry.type
class WorkMutation:
    @strawberry.mutation(description="Assign or reassign to an agent of the ticket's company and care group.")
    async def assign_ticket(self, info: Ctx, id: strawberry.ID, assignee_id: strawberry.ID) -> Ticket:
        ctx = info.context
        doc = await assignment.assign(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), assignee_id=str(assignee_id))
        return Ticket.from_doc(doc)

    @strawberry.mutation
    async def unassign_ticket(self, info: Ctx, id: strawberry.ID) -> Ticket:
        ctx = info.context
        doc = await assignment.assign(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), assignee_id=None)
        return Ticket.from_doc(doc)

    @strawberry.mutation(description="Hand an assigned ticket to an intern; its agent stays on as tutor.")
    async def delegate_ticket(self, info: Ctx, id: strawberry.ID, intern_id: strawberry.ID) -> Ticket:
        ctx = info.context
        doc = await assignment.delegate(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), intern_id=str(intern_id))
        return Ticket.from_doc(doc)

    @strawberry.mutation(description="Rate a resolved ticket you opened, 1 to 5; changeable for a while.")
    async def rate_ticket(self, info: Ctx, id: strawberry.ID, score: int, comment: str | None = None) -> Ticket:
        ctx = info.context
        return Ticket.from_doc(await rate(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), score=score,
                                          comment=comment))


@strawberry.type
class TicketCommentPayload:
    comment: Comment
    ticket: Ticket


@strawberry.type
class ConversationMutation:
    @strawberry.mutation(description="Reply publicly, or add an internal note; mention people by id.")
    async def add_ticket_comment(self, info: Ctx, ticket_id: strawberry.ID, input: CommentInput,
                                 idempotency_key: Annotated[str | None, strawberry.argument(
                                     description=idempotency.DESCRIPTION)] = None) -> TicketCommentPayload:
        ctx = info.context
        draft = input.draft()

        async def run() -> TicketCommentPayload:
            comment, ticket = await conversation.add_comment(deps_of(ctx), ctx.tenancy, ctx.require(),
                                                             str(ticket_id), draft=draft)
            return TicketCommentPayload(comment=Comment.from_doc(comment), ticket=Ticket.from_doc(ticket))

        async def replay(comment_id: str) -> TicketCommentPayload:
            comment, ticket = await conversation.find_comment(ctx.tenancy, ctx.require(), comment_id)
            return TicketCommentPayload(comment=Comment.from_doc(comment), ticket=Ticket.from_doc(ticket))

        return await idempotency.once(ctx.runtime.db, ctx.require(), "addTicketComment", idempotency_key,
                                      [str(ticket_id), repr(draft)],
                                      result_of=idempotency.created(ticket_events.COMMENTED, "commentId"), run=run,
                                      replay=replay)

    @strawberry.mutation(description="Change your own comment, within minutes of writing it.")
    async def edit_ticket_comment(self, info: Ctx, id: strawberry.ID, body: str) -> Comment:
        ctx = info.context
        return Comment.from_doc(await conversation.edit_comment(deps_of(ctx), ctx.tenancy, ctx.require(), str(id),
                                                                body=body))

    @strawberry.mutation
    async def delete_ticket_comment(self, info: Ctx, id: strawberry.ID) -> Comment:
        ctx = info.context
        return Comment.from_doc(await conversation.delete_comment(deps_of(ctx), ctx.tenancy, ctx.require(), str(id)))


@strawberry.type
class LinkMutation:
    @strawberry.mutation(description="Merge a duplicate into a primary ticket: conversation and watchers move over, "
                                      "the duplicate is closed with a pointer.")
    async def merge_tickets(self, info: Ctx, primary_id: strawberry.ID, duplicate_id: strawberry.ID) -> Ticket:
        ctx = info.context
        doc = await links.merge(deps_of(ctx), ctx.tenancy, ctx.require(), primary_id=str(primary_id),
                                duplicate_id=str(duplicate_id))
        return Ticket.from_doc(doc)

    @strawberry.mutation(description="Link two tickets of one company (needs tickets.merge). A ticket has one "
                                      "parent at most: linking a second parent fails with CONFLICT (unlink the "
                                      "first); linking what is already linked changes nothing. CLOSED and "
                                      "CANCELLED tickets cannot be linked (BAD_USER_INPUT).")
    async def link_tickets(self, info: Ctx, id: strawberry.ID, other_id: strawberry.ID, kind: LinkKind) -> Ticket:
        ctx = info.context
        doc = await links.link(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), other_id=str(other_id), kind=kind)
        return Ticket.from_doc(doc)

    @strawberry.mutation
    async def unlink_tickets(self, info: Ctx, id: strawberry.ID, other_id: strawberry.ID) -> Ticket:
        ctx = info.context
        doc = await links.unlink(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), other_id=str(other_id))
        return Ticket.from_doc(doc)


@strawberry.type
class Mutation(CatalogueMutation, TicketMutation, WorkMutation, ConversationMutation, LinkMutation):
    pass
