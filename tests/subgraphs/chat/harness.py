"""The running chat desk under test (users, tickets and chat on one bus) and ways to talk to the chat."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

from subgraphs.kernel.events.broadcast import LiveFeed
from subgraphs.kernel.events.memory import InProcessBus
from tests.fixtures.users import Person
from tests.harness import Client, Result, RunningService, eventually
from tests.harness import settle as settle_events
from tests.subgraphs.tickets.harness import Desk, Member
from tests.supergraph.ws_client import ProtocolClient, connect

MESSAGE = """fragment M on Message { id kind text deleted editedAt createdAt author { id name } ticket { id title }
  file { url name contentType size } }"""
SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { ...M } }" + MESSAGE
SEND_FILE = "mutation($t: ID!, $i: ChatFileInput!) { sendChatFile(ticketId: $t, input: $i) { ...M } }" + MESSAGE
EDIT = "mutation($id: ID!, $x: String!) { editChatMessage(id: $id, text: $x) { ...M } }" + MESSAGE
DELETE = "mutation($id: ID!) { deleteChatMessage(id: $id) { ...M } }" + MESSAGE
READ = """mutation($t: ID!, $m: ID) { markChatRead(ticketId: $t, upToMessageId: $m) {
  ticketId lastReadMessageId readAt user { id name } } }"""
TYPING = "mutation($t: ID!, $on: Boolean!) { setChatTyping(ticketId: $t, typing: $on) }"
POLICY = """mutation($i: ChatPolicyInput!, $c: ID) { updateChatPolicy(input: $i, companyId: $c) {
  companyId readableStatuses writableStatuses customised } }"""
ENTITY = """query($t: ID!, $first: Int, $after: String, $old: Boolean! = false) {
  _entities(representations: [{__typename: "Ticket", id: $t}]) { ... on Ticket {
    unreadCount canChat chatReceipts { user { id name } lastReadMessageId }
    messages(first: $first, after: $after, oldestFirst: $old) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...M } } } } } }""" + MESSAGE

MESSAGE_ADDED = """subscription($t: ID!) { messageAdded(ticketId: $t) {
  id kind text author { id name } ticket { title } } }"""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class ChatDesk(Desk):
    """The users, tickets and chat services on one in-process bus."""

    def __init__(self, users: RunningService, tickets: RunningService, chat: RunningService, bus: InProcessBus,
                 root: Person, gateway: Callable[[], contextlib.AbstractAsyncContextManager[str]] | None = None
                 ) -> None:
        super().__init__(users, tickets, bus, root, gateway)
        self.chat = chat

    @property
    def feed(self) -> LiveFeed:
        return self.chat.runtime.state["chat"].live

    @property
    def ws_url(self) -> str:
        return self.chat.url.replace("http://", "ws://", 1) + "/graphql"

    def talk(self, member: Member) -> Client:
        """`member`, signed in, talking to the chat service."""
        return Client(member.client.http, self.chat.url, member.client.token, member.client.headers)

    async def settle(self) -> None:
        """Every event written so far is relayed and handled by every consumer (read models are current)."""
        await settle_events(self.bus, (self.users, self.tickets, self.chat))

    async def events(self, type: str, **data: Any) -> list[dict[str, Any]]:
        """Events of `type` (oldest first) the chat or tickets service wrote, whose data match."""
        query = {"event.type": type, **{f"event.data.{k}": v for k, v in data.items()}}
        found = []
        for service in (self.tickets, self.chat):
            rows = await service.runtime.db["outbox"].find(query).sort([("createdAt", 1), ("sequence", 1)]
                                                                       ).to_list(None)
            found += [row["event"] for row in rows]
        return found

    @contextlib.asynccontextmanager
    async def subscribed(self, member: Member, query: str, variables: dict[str, Any],
                         ticket_id: str | None = None) -> AsyncIterator[ProtocolClient]:
        """`member` subscribed on the chat service over graphql-transport-ws; with `ticket_id`, returns once the
        subscription listens for that ticket's events."""
        listening = self.feed.listeners(ticket_id) if ticket_id else 0
        async with connect(self.ws_url) as client:
            assert (await client.init(f"Bearer {member.client.token}"))["type"] == "connection_ack"
            await client.subscribe("1", query, variables)
            if ticket_id:
                await eventually(lambda: self.feed.listeners(ticket_id) > listening, interval=0.01)
            yield client


async def send(desk: ChatDesk, member: Member, ticket_id: str, text: str) -> Result:
    return await desk.talk(member)(SEND, {"t": ticket_id, "x": text})


async def sent(desk: ChatDesk, member: Member, ticket_id: str, text: str) -> dict[str, Any]:
    return (await send(desk, member, ticket_id, text)).ok()["sendChatMessage"]


async def chat_view(desk: ChatDesk, member: Member, ticket_id: str, **arguments: Any) -> dict[str, Any] | None:
    """The ticket as chat shows it to `member` (messages, unread count, receipts), through `_entities`."""
    [entity] = (await desk.talk(member)(ENTITY, {"t": ticket_id, **arguments})).ok()["_entities"]
    return entity
