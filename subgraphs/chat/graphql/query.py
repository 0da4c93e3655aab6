"""Queries of the chat subgraph (a ticket's messages are on `Ticket.messages`)."""

from __future__ import annotations

import strawberry

from subgraphs.chat.graphql.common import Ctx
from subgraphs.chat.graphql.types import ChatPolicy, Message
from subgraphs.chat.messages.history import find_message
from subgraphs.chat.policy.service import read_policy
from subgraphs.kernel.errors import NotFound


@strawberry.type
class Query:
    @strawberry.field(description="Your company's (or, platform staff, `companyId`'s) chat policy.")
    async def chat_policy(self, info: Ctx, company_id: strawberry.ID | None = None) -> ChatPolicy:
        principal = info.context.require()
        policy = await read_policy(info.context.tenancy, principal, company_id=str(company_id or principal.company_id))
        return ChatPolicy.of(policy)

    @strawberry.field(description="A message of a chat you may read; null for any other.")
    async def chat_message(self, info: Ctx, id: strawberry.ID) -> Message | None:
        try:
            doc, chat = await find_message(info.context.tenancy, info.context.require(), str(id))
        except NotFound:
            return None
        return Message.of(doc, ticket_title=chat.ticket.title)
