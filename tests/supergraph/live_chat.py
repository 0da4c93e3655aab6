"""A Strawberry Federation subgraph with a `messageAdded` subscription, served by uvicorn on a
real port (HTTP and graphql-transport-ws), recording every connection it accepts."""

import asyncio
import contextlib
import functools
from collections import defaultdict
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import strawberry
import uvicorn
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types.unset import UNSET

from tests import harness


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class User:
    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Ticket:
    id: strawberry.ID


@strawberry.type
class Message:
    id: strawberry.ID
    text: str
    author: User
    ticket: Ticket

    @strawberry.field
    def mood(self) -> str | None:
        if "boom" in self.text:
            raise ValueError("cannot read the mood of this message")
        return "calm"


@dataclass
class ChatEvents:
    """The chat's live side: listeners per ticket, and what connected with which credentials."""

    listeners: dict[str, list[asyncio.Queue]] = field(default_factory=lambda: defaultdict(list))
    connections: list[dict[str, Any]] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # authorizations whose connection_init is rejected
    started: int = 0

    def publish(self, ticket_id: str, text: str, author: str = "u1", message_id: str = "m1") -> int:
        message = Message(id=strawberry.ID(message_id), text=text, author=User(id=strawberry.ID(author)),
                          ticket=Ticket(id=strawberry.ID(ticket_id)))
        for queue in self.listeners[ticket_id]:
            queue.put_nowait(message)
        return len(self.listeners[ticket_id])

    def finish(self, ticket_id: str) -> None:
        for queue in self.listeners[ticket_id]:
            queue.put_nowait(None)

    def active(self, ticket_id: str) -> int:
        return len(self.listeners[ticket_id])

    def connected_with(self, authorization: str) -> list[dict[str, Any]]:
        return [c for c in self.connections if c["params"].get("authorization") == authorization]

    async def wait_active(self, ticket_id: str, count: int, timeout: float = 5.0) -> None:
        await eventually(lambda: self.active(ticket_id) == count, timeout=timeout)


eventually = functools.partial(harness.eventually, timeout=5.0, interval=0.01)


@strawberry.type
class Query:
    @strawberry.field
    def messages(self) -> list[Message]:
        return []


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def message_added(self, info: strawberry.Info, ticket_id: strawberry.ID) -> AsyncGenerator[Message, None]:
        events: ChatEvents = info.context["events"]
        queue: asyncio.Queue = asyncio.Queue()
        events.listeners[str(ticket_id)].append(queue)
        events.started += 1
        try:
            while (message := await queue.get()) is not None:
                yield message
        finally:
            events.listeners[str(ticket_id)].remove(queue)


SCHEMA = strawberry.federation.Schema(query=Query, subscription=Subscription)


class ChatApp(GraphQL[dict[str, Any], None]):
    def __init__(self, events: ChatEvents) -> None:
        super().__init__(SCHEMA, graphql_ide=None)
        self.events = events

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {"request": request, "response": response, "events": self.events}

    async def on_ws_connect(self, context: dict[str, Any]) -> Any:
        params = context.get("connection_params") or {}
        self.events.connections.append({"params": params, "headers": dict(context["request"].headers)})
        if params.get("authorization") in self.events.refused:
            raise ConnectionRejectionError({"code": "FORBIDDEN"})
        return UNSET


def chat_sdl() -> str:
    result = SCHEMA.execute_sync("{ _service { sdl } }")
    assert result.data is not None, result.errors
    return result.data["_service"]["sdl"]


@contextlib.asynccontextmanager
async def serve_asgi(app: Any, server_class: type[uvicorn.Server] = uvicorn.Server,
                     **options: Any) -> AsyncIterator[uvicorn.Server]:
    """Run an ASGI app under uvicorn on an ephemeral port until the block ends."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning", **options)
    server = server_class(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield server
    finally:
        server.should_exit = True
        await task
