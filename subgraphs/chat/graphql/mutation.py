"""Mutations of the chat subgraph: each one checks access, validates, and writes with its event."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated

import strawberry

from subgraphs.chat.deps import deps_of
from subgraphs.chat.graphql.common import Ctx
from subgraphs.chat.graphql.inputs import ChatFileInput, ChatPolicyInput
from subgraphs.chat.graphql.types import ChatPolicy, Message, ReadReceipt
from subgraphs.chat.live.typing import set_typing
from subgraphs.chat.messages import changing, sending
from subgraphs.chat.messages.documents import ADDED
from subgraphs.chat.messages.history import find_message
from subgraphs.chat.policy.service import reset_policy, update_policy
from subgraphs.chat.receipts.service import mark_read
from subgraphs.kernel import idempotency


async def _once(info: Ctx, operation: str, key: str | None, payload: Mapping[str, object],
                run: Callable[[], Awaitable[Message]]) -> Message:
    """`run()` a message-sending mutation once per idempotency key; a repeat answers with the message it stored."""
    ctx = info.context

    async def replay(message_id: str) -> Message:
        doc, chat = await find_message(ctx.tenancy, ctx.require(), message_id)
        return Message.of(doc, ticket_title=chat.ticket.title)

    return await idempotency.once(ctx.runtime.db, ctx.require(), operation, key, payload,
                                  result_of=idempotency.created(ADDED, "messageId"), run=run, replay=replay)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Send a text message to a ticket's chat.")
    async def send_chat_message(self, info: Ctx, ticket_id: strawberry.ID, text: str,
                                idempotency_key: Annotated[str | None, strawberry.argument(
                                    description=idempotency.DESCRIPTION)] = None) -> Message:
        ctx = info.context

        async def run() -> Message:
            doc, chat = await sending.send_text(deps_of(ctx), ctx.tenancy, ctx.require(), str(ticket_id), text=text)
            return Message.of(doc, ticket_title=chat.ticket.title)

        return await _once(info, "sendChatMessage", idempotency_key, {"ticketId": ticket_id, "text": text}, run)

    @strawberry.mutation(description="Send an image or a file (PDF, ZIP, plain text) to a ticket's chat.")
    async def send_chat_file(self, info: Ctx, ticket_id: strawberry.ID, input: ChatFileInput,
                             idempotency_key: Annotated[str | None, strawberry.argument(
                                 description=idempotency.DESCRIPTION)] = None) -> Message:
        ctx = info.context
        data = await input.data()

        async def run() -> Message:
            doc, chat = await sending.send_file(deps_of(ctx), ctx.tenancy, ctx.require(), str(ticket_id),
                                                name=input.name, content_base64=input.content_base64, data=data,
                                                caption=input.caption)
            return Message.of(doc, ticket_title=chat.ticket.title)

        content = input.content_base64 if data is None else hashlib.sha256(data).hexdigest()  # the key's input
        payload = {"ticketId": ticket_id, "name": input.name, "content": content, "caption": input.caption}
        return await _once(info, "sendChatFile", idempotency_key, payload, run)

    @strawberry.mutation(description="Change the text of your own message, within the edit window.")
    async def edit_chat_message(self, info: Ctx, id: strawberry.ID, text: str) -> Message:
        ctx = info.context
        doc, chat = await changing.edit_message(deps_of(ctx), ctx.tenancy, ctx.require(), str(id), text=text)
        return Message.of(doc, ticket_title=chat.ticket.title)

    @strawberry.mutation(description="Delete your own message (its place in the chat stays, marked deleted).")
    async def delete_chat_message(self, info: Ctx, id: strawberry.ID) -> Message:
        ctx = info.context
        doc, chat = await changing.delete_message(deps_of(ctx), ctx.tenancy, ctx.require(), str(id))
        return Message.of(doc, ticket_title=chat.ticket.title)

    @strawberry.mutation(description="Mark a chat read up to a message (default: the newest); receipts only move on.")
    async def mark_chat_read(self, info: Ctx, ticket_id: strawberry.ID,
                             up_to_message_id: strawberry.ID | None = None) -> ReadReceipt:
        ctx = info.context
        row = await mark_read(deps_of(ctx), ctx.tenancy, ctx.require(), str(ticket_id),
                              up_to=str(up_to_message_id) if up_to_message_id else None)
        return ReadReceipt.of(row)

    @strawberry.mutation(description="Tell the chat you started (or stopped) typing; live only, never stored.")
    async def set_chat_typing(self, info: Ctx, ticket_id: strawberry.ID, typing: bool = True) -> bool:
        ctx = info.context
        await set_typing(deps_of(ctx), ctx.tenancy, ctx.require(), str(ticket_id), typing=typing)
        return True

    @strawberry.mutation(description="Company administrators: in which ticket states chats may be read and written.")
    async def update_chat_policy(self, info: Ctx, input: ChatPolicyInput,
                                 company_id: strawberry.ID | None = None) -> ChatPolicy:
        ctx = info.context
        principal = ctx.require()
        policy = await update_policy(ctx.tenancy, principal, company_id=str(company_id or principal.company_id),
                                     readable=frozenset(input.readable_statuses),
                                     writable=frozenset(input.writable_statuses))
        return ChatPolicy.of(policy)

    @strawberry.mutation(description="Company administrators: back to the default chat policy (chats readable in "
                                     "every state, written in while the ticket is open, in progress or on hold).")
    async def reset_chat_policy(self, info: Ctx, company_id: strawberry.ID | None = None) -> ChatPolicy:
        ctx = info.context
        principal = ctx.require()
        return ChatPolicy.of(await reset_policy(ctx.tenancy, company_id=str(company_id or principal.company_id)))
