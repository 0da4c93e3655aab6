"""Chat's GraphQL types: messages and their parts, receipts, typing, the policy, and the entities it extends.

`Message.author`, `ReadReceipt.user` and `TypingIndicator.user` provide the person's name (whole, first and
last), and `Message.ticket` the ticket's title, from chat's own read models: the common live selection
(`text author { name } ticket { title }`, or the author's `firstName`) needs no entity fetch per event.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from typing import Any

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from subgraphs.chat import store
from subgraphs.chat.access.rules import ChatAccess
from subgraphs.chat.access.service import access_to, locate
from subgraphs.chat.graphql.common import Ctx
from subgraphs.chat.graphql.enums import MessageKind, SystemAction, TicketStatus
from subgraphs.chat.graphql.loaders import load_chat, own_receipt, people_names
from subgraphs.chat.messages.history import messages_of
from subgraphs.chat.people.model import NOBODY, PersonName
from subgraphs.chat.policy.rules import ChatPolicy as Policy
from subgraphs.chat.receipts import service as receipts
from subgraphs.chat.tickets.model import FIELDS_WAIT
from subgraphs.kernel import arrival
from subgraphs.kernel.errors import NotFound
from subgraphs.kernel.graphql.pagination import Connection, Edge, Sort, paginate
from subgraphs.kernel.graphql.selection import asks_for

NEWEST_FIRST, OLDEST_FIRST = Sort("_id", descending=True), Sort("_id", descending=False)


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)],
                            description="A person (the users subgraph).")
class User:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True)
    first_name: str = strawberry.federation.field(external=True)
    last_name: str = strawberry.federation.field(external=True)


NAMES = ["name firstName lastName"]  # what chat provides of a person it shows


def named(user_id: str, name: PersonName = NOBODY) -> User:
    return User(id=strawberry.ID(user_id), name=name.full, first_name=name.first, last_name=name.last)


def person(user_id: str | None, name: PersonName = NOBODY) -> User | None:
    return named(user_id, name) if user_id else None


@strawberry.type(description="A file sent in a chat (images are shown inline).")
class ChatFile:
    name: str
    content_type: str
    size: int
    key: strawberry.Private[str]

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> ChatFile | None:
        return cls(name=doc["name"], content_type=doc["contentType"], size=doc["size"], key=doc["key"]) if doc else None

    @strawberry.field(description="Reads the file: a link on the API's origin, signed for whoever may read the "
                                  "chat and valid for FILE_LINK_TTL_SECONDS (15 minutes by default); ask again "
                                  "for a fresh one.")
    def url(self, info: Ctx) -> str:
        return info.context.runtime.storage.link(self.key, self.content_type)


@strawberry.type(description="The change a system message reports, for clients that word it themselves.")
class SystemEvent:
    action: SystemAction
    from_status: TicketStatus | None
    to_status: TicketStatus | None
    assignee: User | None = strawberry.field(description="Who has the ticket now (assignment, delegation).")

    @classmethod
    def from_doc(cls, doc: dict[str, Any] | None) -> SystemEvent | None:
        if not doc:
            return None
        action = SystemAction(doc["action"])
        status = action is SystemAction.STATUS_CHANGED
        return cls(action=action, from_status=TicketStatus(doc["from"]) if status and doc.get("from") else None,
                   to_status=TicketStatus(doc["to"]) if status and doc.get("to") else None,
                   assignee=None if status else person(doc.get("to")))


@strawberry.type(description="One message of a ticket's chat.")
class Message:
    id: strawberry.ID
    kind: MessageKind
    text: str | None = strawberry.field(description="The text, or a file's caption (empty when the file has none); "
                                                    "null once deleted, like a deleted comment's body.")
    file: ChatFile | None = strawberry.field(description="The file of an IMAGE or FILE message; null once deleted.")
    system: SystemEvent | None
    created_at: datetime
    edited_at: datetime | None
    deleted: bool = strawberry.field(description="Deleted by its author: the message keeps its place in the chat, "
                                                 "without text or file.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted; null while it stands.")
    author_id: strawberry.Private[str | None]
    author_name: strawberry.Private[PersonName]
    ticket_id: strawberry.Private[str]
    ticket_title: strawberry.Private[str]

    @classmethod
    def of(cls, doc: dict[str, Any], *, author_name: PersonName | None = None, ticket_title: str) -> Message:
        return cls(
            id=strawberry.ID(doc["_id"]), kind=MessageKind(doc["kind"]), text=None if doc["deleted"] else doc["text"],
            file=ChatFile.from_doc(doc.get("file")), system=SystemEvent.from_doc(doc.get("system")),
            created_at=doc["createdAt"], edited_at=doc.get("editedAt"), deleted=doc["deleted"],
            deleted_at=doc.get("deletedAt"),
            author_id=doc.get("authorId"), author_name=author_name or PersonName.carried(doc, "author"),
            ticket_id=doc["ticketId"], ticket_title=ticket_title,
        )

    @strawberry.federation.field(provides=NAMES, description="Who wrote it; null for system messages.")
    def author(self) -> User | None:
        return person(self.author_id, self.author_name)

    @strawberry.federation.field(provides=["title"])
    def ticket(self) -> Ticket:
        return Ticket(id=strawberry.ID(self.ticket_id), title=self.ticket_title, chat=None, looked_up=False)


@strawberry.type(description="How far one person has read a ticket's chat.")
class ReadReceipt:
    ticket_id: strawberry.ID
    last_read_message_id: strawberry.ID | None
    read_at: datetime | None
    user_id: strawberry.Private[str]
    user_name: strawberry.Private[PersonName]

    @classmethod
    def of(cls, doc: dict[str, Any], name: PersonName = NOBODY) -> ReadReceipt:
        last = doc.get("lastReadId")
        return cls(ticket_id=strawberry.ID(doc["ticketId"]), last_read_message_id=strawberry.ID(last) if last else None,
                   read_at=doc.get("readAt"), user_id=doc["userId"], user_name=name)

    @strawberry.federation.field(provides=NAMES)
    def user(self) -> User:
        return named(self.user_id, self.user_name)


@strawberry.type(description="Someone started or stopped typing in a ticket's chat (live only, never stored).")
class TypingIndicator:
    ticket_id: strawberry.ID
    typing: bool
    at: datetime
    user_id: strawberry.Private[str]
    user_name: strawberry.Private[PersonName]

    @strawberry.federation.field(provides=NAMES)
    def user(self) -> User:
        return named(self.user_id, self.user_name)


@strawberry.type(description="In which ticket states a company's chats may be read and written.")
class ChatPolicy:
    company_id: strawberry.ID
    readable_statuses: list[TicketStatus]
    writable_statuses: list[TicketStatus]
    customised: bool = strawberry.field(description="False while the company keeps the default.")

    @classmethod
    def of(cls, policy: Policy) -> ChatPolicy:
        order = list(TicketStatus)
        return cls(company_id=strawberry.ID(policy.company_id),
                   readable_statuses=sorted(policy.readable, key=order.index),
                   writable_statuses=sorted(policy.writable, key=order.index), customised=policy.customised)


@strawberry.federation.type(keys=["id"], description="A ticket (the tickets subgraph); chat adds its conversation.")
class Ticket:
    id: strawberry.ID
    title: str = strawberry.federation.field(external=True)
    chat: strawberry.Private[ChatAccess | None]
    looked_up: strawberry.Private[bool] = True  # False: reached through a message, access not checked yet
    # The owner's status when the gateway sent it (`@requires`): newer than this service's read model may be.
    owner_status: strawberry.Private[str | None] = None
    # The caller's receipt, read beside the ticket when `unreadCount` is asked of a ticket of their own company
    # (`own_receipt`); UNREAD otherwise.
    receipt: strawberry.Private[receipts.Known] = receipts.UNREAD

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID, status: str | None = None) -> Ticket | None:
        receipt: receipts.Known = receipts.UNREAD
        if asks_for(info, "Ticket", "unreadCount"):
            chat, receipt = await asyncio.gather(load_chat(info.context, str(id)), own_receipt(info.context, str(id)))
        else:
            chat = await load_chat(info.context, str(id))
        db, ticket_id = info.context.runtime.db, str(id)
        if chat is None and await arrival.unheard_of(db[store.TICKETS], ticket_id):
            # Created a moment ago, its event still on the way: waited for briefly (FIELDS_WAIT). If it is still
            # not here, the ticket's page loads without its chat for now (a null entity would null the non-null
            # canChat, and with it the whole ticket).
            if not await arrival.arrived(db[store.TICKETS], ticket_id, wait=FIELDS_WAIT):
                return cls(id=id, title="", chat=None, owner_status=_status_value(status))
            ticket = await locate(info.context.tenancy, info.context.require(), ticket_id)  # here now: no wait
            chat = await access_to(info.context.tenancy, info.context.require(), ticket) if ticket else None
            chat = chat if chat is not None and chat.sees_ticket else None
        if chat is None:
            if status is not None:
                # The gateway asks with the owner's status (for canChat) only after the tickets service showed this
                # caller the ticket: chat's view has not caught up with them yet (just added, or its event late).
                # Null here would null the non-null canChat, and with it the whole ticket; without its chat for now.
                return cls(id=id, title="", chat=None, owner_status=_status_value(status))
            return None
        if chat.ticket.company_id != info.context.require().company_id:
            receipt = receipts.UNREAD  # read in the caller's own company, not this ticket's: unread_count reads it
        return cls(id=id, title=chat.ticket.title, chat=chat, owner_status=_status_value(status), receipt=receipt)

    @strawberry.federation.field(external=True, description="Owned by the tickets service; chat reads it to decide "
                                                            "canChat.")
    async def status(self, info: Ctx) -> TicketStatus:
        if self.owner_status is not None:
            return TicketStatus(self.owner_status)
        chat = await self._access(info)
        if chat is None:
            raise NotFound("no such ticket", ticketId=str(self.id))
        return TicketStatus(chat.ticket.status)

    async def _access(self, info: Ctx) -> ChatAccess | None:
        if not self.looked_up:
            self.chat, self.looked_up = await load_chat(info.context, str(self.id)), True
        return self.chat

    async def _readable(self, info: Ctx) -> ChatAccess | None:
        chat = await self._access(info)
        return chat if chat is not None and chat.read else None

    @strawberry.field(description="The chat, newest first unless oldestFirst; null unless you may read it.")
    async def messages(self, info: Ctx, first: int | None = None, after: str | None = None,
                       oldest_first: bool = False) -> Connection[Message] | None:
        chat = await self._readable(info)
        if chat is None:
            return None
        rows, query = messages_of(info.context.tenancy, info.context.require(), chat)
        page = await paginate(rows, query, first=first, after=after, to_node=lambda doc: doc,
                              sort=OLDEST_FIRST if oldest_first else NEWEST_FIRST)
        authors = [e.node["authorId"] for e in page.edges if e.node.get("authorId")]
        names = await people_names(info.context, chat.ticket.company_id, authors)
        edges = [Edge(cursor=e.cursor, node=Message.of(e.node, author_name=names.get(e.node.get("authorId") or ""),
                                                       ticket_title=chat.ticket.title)) for e in page.edges]
        return Connection(edges=edges, page_info=page.page_info, count=page.count)

    @strawberry.field(description="Messages of others after your read receipt; null unless you may read the chat.")
    async def unread_count(self, info: Ctx) -> int | None:
        chat = await self._readable(info)
        if chat is None:
            return None
        return await receipts.unread_count(info.context.tenancy, info.context.require(), chat, mine=self.receipt)

    @strawberry.field(description="How far each person has read the chat; null unless you may read it.")
    async def chat_receipts(self, info: Ctx) -> list[ReadReceipt] | None:
        chat = await self._readable(info)
        if chat is None:
            return None
        rows = await receipts.receipts_of(info.context.tenancy, info.context.require(), chat)
        names = await people_names(info.context, chat.ticket.company_id, [r["userId"] for r in rows])
        return [ReadReceipt.of(r, names.get(r["userId"], NOBODY)) for r in rows]

    @strawberry.federation.field(requires=["status"], description=(
        "Whether you may write in the chat now. Decided on the ticket's status as the tickets service has it (the "
        "gateway passes it along), so a live `ticketUpdated` never says RESOLVED with canChat true."))
    async def can_chat(self, info: Ctx) -> bool:
        chat = await self._access(info)
        if chat is not None and self.owner_status is not None and self.owner_status != chat.ticket.status:
            chat = replace(chat, ticket=replace(chat.ticket, status=self.owner_status))
        return chat is not None and chat.write


def _status_value(status: str | None) -> str | None:
    """A status from an entity representation (the GraphQL enum name, RESOLVED) as the events spell it."""
    if status is None:
        return None
    try:
        return TicketStatus[status].value
    except KeyError:
        return TicketStatus(status).value
