"""Live chat: new messages, typing and read receipts of one ticket, for those who may read its chat."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from subgraphs.chat.deps import deps_of
from subgraphs.chat.graphql.common import Ctx
from subgraphs.chat.graphql.types import Message, ReadReceipt, TypingIndicator
from subgraphs.chat.live.feed import TYPING
from subgraphs.chat.live.streams import ticket_stream
from subgraphs.chat.messages.documents import ADDED, READ, message_from_event
from subgraphs.chat.people.model import PersonName

ADDED_ONLY, READ_ONLY, TYPING_ONLY = frozenset({ADDED}), frozenset({READ}), frozenset({TYPING})


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Each new message of the ticket's chat, system messages included.")
    async def message_added(self, info: Ctx, ticket_id: strawberry.ID) -> AsyncGenerator[Message, None]:
        ctx = info.context
        stream = ticket_stream(deps_of(ctx), ctx.tenancy, ctx.require(), str(ticket_id), types=ADDED_ONLY)
        async for event, chat in stream:
            doc = message_from_event(event.data, chat.ticket.company_id)
            yield Message.of(doc, ticket_title=event.data.get("ticketTitle") or chat.ticket.title)

    @strawberry.subscription(description="Others starting and stopping typing in the ticket's chat.")
    async def typing(self, info: Ctx, ticket_id: strawberry.ID) -> AsyncGenerator[TypingIndicator, None]:
        ctx = info.context
        me = ctx.require().user_id
        async for event, _ in ticket_stream(deps_of(ctx), ctx.tenancy, ctx.require(), str(ticket_id),
                                            types=TYPING_ONLY):
            data = event.data
            if data["userId"] != me:
                yield TypingIndicator(ticket_id=strawberry.ID(data["ticketId"]), typing=bool(data["typing"]),
                                      at=event.occurred_at, user_id=data["userId"], user_name=PersonName.carried(data))

    @strawberry.subscription(description="Read receipts of the ticket's chat as people catch up.")
    async def read_receipt(self, info: Ctx, ticket_id: strawberry.ID) -> AsyncGenerator[ReadReceipt, None]:
        ctx = info.context
        async for event, _ in ticket_stream(deps_of(ctx), ctx.tenancy, ctx.require(), str(ticket_id),
                                            types=READ_ONLY):
            data = event.data
            row = {"ticketId": data["ticketId"], "userId": data["userId"], "lastReadId": data["lastReadMessageId"],
                   "readAt": event.occurred_at}
            yield ReadReceipt.of(row, PersonName.carried(data))
