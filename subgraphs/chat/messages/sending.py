"""Sending a message: checked access and input, the sender's rate limit, then the message and its event together."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from subgraphs.chat import store
from subgraphs.chat.access.rules import ChatAccess
from subgraphs.chat.access.service import company_view, writable_chat
from subgraphs.chat.deps import ChatDeps
from subgraphs.chat.live.announce import commit_and_announce
from subgraphs.chat.messages import files
from subgraphs.chat.messages.documents import ADDED, Message, MessageKind, added_event, new_message
from subgraphs.kernel import clock
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.errors import BadUserInput, RateLimited
from subgraphs.kernel.events.contracts.tickets import TicketView
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.tenancy import Tenancy
from subgraphs.kernel.validation import Problems

T = TypeVar("T")


def message_text(value: str | None, *, max_length: int, required: bool = True, field: str = "text") -> str:
    """Free text: line breaks kept, surrounding blank space removed, within the length limit."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise BadUserInput("a message needs some text", field=field)
    if len(cleaned) > max_length:
        raise BadUserInput(f"a message may have at most {max_length} characters", field=field)
    return cleaned


def from_desk(actor: Principal, ticket: TicketView) -> bool:
    """Desk staff of the ticket's company (who work or move its tickets) writing in a ticket they did not open."""
    company = ticket.company_id
    staff = actor.can("tickets.work", company) or actor.can("tickets.update", company)
    return staff and actor.user_id != ticket.creator_id


async def within_limit(deps: ChatDeps, tenancy: Tenancy, actor: Principal) -> None:
    """At most so many messages per sliding window per person; RATE_LIMITED (with retryAfter) beyond.

    Counted from the sender's own recent messages (an indexed read): a counter document would be
    written by every message, and the database serialises writes to a collection.
    """
    limit, window = deps.settings.rate_limit_messages, timedelta(seconds=deps.settings.rate_limit_window_seconds)
    now = clock.now()
    recent = await tenancy.collection(store.MESSAGES).find(
        {"authorId": actor.user_id, "createdAt": {"$gt": now - window}}, projection={"createdAt": 1}
    ).sort("createdAt", -1).limit(limit).to_list(limit)
    if len(recent) >= limit:
        wait = math.ceil((recent[-1]["createdAt"] + window - now).total_seconds())
        raise RateLimited(f"you are sending messages too fast; try again in {max(wait, 1)} s", retry_after=wait)


async def limited(deps: ChatDeps, tenancy: Tenancy, actor: Principal, checked: Awaitable[T]) -> T:
    """What `checked` finds (the chat, the input, each checked), then the sender's rate limit (`within_limit`): its read
    runs meanwhile (one read less in line before the message is written), and its refusal comes only after theirs.
    A send refused first leaves the read to finish (cancelling it in flight would cost the driver its connection) and
    takes its outcome then, so no failure of it is reported as unheard."""
    limit = asyncio.ensure_future(within_limit(deps, tenancy, actor))
    try:
        found = await checked
        await limit
        return found
    finally:
        limit.add_done_callback(_taken)


def _taken(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()


async def send_text(deps: ChatDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, text: str
                    ) -> tuple[Message, ChatAccess]:
    async def checked() -> tuple[ChatAccess, str]:
        chat = await writable_chat(tenancy, actor, ticket_id)
        return chat, message_text(text, max_length=deps.settings.max_message_length)

    chat, body = await limited(deps, tenancy, actor, checked())
    return await post(deps, tenancy, actor, chat, kind=MessageKind.TEXT, text=body)


async def send_file(deps: ChatDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, name: str,
                    content_base64: str | None, caption: str | None, data: bytes | None = None
                    ) -> tuple[Message, ChatAccess]:
    """A file message: the file's bytes (`data`, sent as a file) or base64 text (deprecated)."""
    chat, shown, text, content, found = await limited(deps, tenancy, actor, _checked_file(
        deps, tenancy, actor, ticket_id, name=name, content_base64=content_base64, caption=caption, data=data))
    kind, content_type = found
    stored = await files.store_file(deps.storage, company_id=chat.ticket.company_id, ticket_id=chat.ticket.id,
                                    name=shown, data=content, content_type=content_type)
    return await post(deps, tenancy, actor, chat, kind=kind, text=text, file=stored)


async def _checked_file(deps: ChatDeps, tenancy: Tenancy, actor: Principal, ticket_id: str, *, name: str,
                        content_base64: str | None, caption: str | None, data: bytes | None
                        ) -> tuple[ChatAccess, str, str, bytes, tuple[MessageKind, str]]:
    """The chat the file goes to, and the file's name, caption, bytes and kind, each checked."""
    chat = await writable_chat(tenancy, actor, ticket_id)
    problems = Problems()
    shown = problems.check(files.file_name, name)
    text = problems.check(message_text, caption, max_length=deps.settings.max_message_length, required=False,
                          field="caption")
    if data is not None:
        data = problems.check(files.received, data, max_bytes=deps.settings.max_file_bytes)
    else:
        data = problems.check(files.decode, content_base64, max_bytes=deps.settings.max_file_bytes)
    found = problems.check(files.kind_of, data) if data is not None else None
    problems.raise_if_any()
    assert shown is not None and text is not None and data is not None and found is not None
    return chat, shown, text, data, found


async def post(deps: ChatDeps, tenancy: Tenancy, actor: Principal, chat: ChatAccess, *, kind: MessageKind,
               text: str, file: dict[str, object] | None = None) -> tuple[Message, ChatAccess]:
    """Write the message and its `chat.message_added` in one transaction."""
    ticket = chat.ticket
    author = await deps.names.of(tenancy.collection(store.PEOPLE), actor.user_id)
    message = new_message(ticket, kind=kind, text=text, author_id=actor.user_id, author=author, file=file)
    messages = company_view(tenancy, actor, store.MESSAGES, ticket.company_id)

    desk = from_desk(actor, ticket)

    async def work(uow: UnitOfWork) -> None:
        await deps.numbering.place(deps.db, uow, message)  # it orders this ticket's writers
        uow.insert(messages, message)
        uow.emit(ADDED, added_event(message, ticket, from_desk=desk), company_id=ticket.company_id,
                 actor_id=actor.user_id)

    async with deps.numbering.turn(ticket.id):
        await commit_and_announce(deps, work)
        deps.numbering.committed(message)
    return message, chat
