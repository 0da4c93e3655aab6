"""Live federation for subscription tests: the Strawberry chat subgraph (subscriptions over
graphql-transport-ws), users and tickets subgraphs for entity fetches, a JWKS endpoint and
token issuer, and gateways started over them on real ports."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supergraph.composition import SubgraphSource, compose
from tests.supergraph.gateway_harness import RunningGateway, running_gateway
from tests.supergraph.identity import JwksServer, TokenIssuer, serve_jwks
from tests.supergraph.live_chat import ChatApp, ChatEvents, chat_sdl, eventually, serve_asgi
from tests.supergraph.tiny_subgraph import TinySubgraph, serve_subgraphs

__all__ = ["MESSAGE_ADDED", "LiveFederation", "eventually", "live_federation", "new_ticket"]

NAMES = {"u1": "Ada", "u2": "Grace", "u3": "Edsger"}
TITLES = {"t1": "Printer on fire", "t2": "VPN down"}

MESSAGE_ADDED = "subscription($t: ID!) { messageAdded(ticketId: $t) { text author { name } ticket { title } } }"


def new_ticket() -> str:
    """A ticket id of the test's own, so tests sharing the chat subgraph never see each other."""
    return "t-" + uuid.uuid4().hex[:10]


def entity_subgraphs() -> list[TinySubgraph]:
    users = TinySubgraph(
        "users",
        """
        type Query { me: User }
        type Mutation { rename(name: String!): User }
        type User @key(fields: "id") { id: ID! name: String! }
        """,
        resolvers={
            "Query": {"me": lambda _: {"id": "u1", "name": "Ada"}},
            "Mutation": {"rename": lambda _, name: {"id": "u1", "name": name}},
        },
        references={"User": lambda rep: {"id": rep["id"], "name": NAMES.get(rep["id"], "Unknown")}},
    )
    tickets = TinySubgraph(
        "tickets",
        """
        type Query { ticket(id: ID!): Ticket }
        type Ticket @key(fields: "id") { id: ID! title: String! }
        """,
        references={"Ticket": lambda rep: {"id": rep["id"], "title": TITLES.get(rep["id"], "Untitled")}},
    )
    return [users, tickets]


@dataclass
class LiveFederation:
    """Running subgraphs and identity; `gateway()` starts a gateway over them."""

    chat: ChatEvents
    chat_url: str
    chat_server: Any  # the chat's uvicorn server (tests may stop it)
    users: TinySubgraph
    tickets: TinySubgraph
    issuer: TokenIssuer
    jwks: JwksServer
    supergraph_path: str

    def gateway(self, **settings: Any) -> contextlib.AbstractAsyncContextManager[RunningGateway]:
        settings.setdefault("auth_jwks_url", self.jwks.url)
        return running_gateway(self.supergraph_path, **settings)


@contextlib.asynccontextmanager
async def live_federation(directory: Path) -> AsyncIterator[LiveFederation]:
    chat = ChatEvents()
    issuer = TokenIssuer()
    async with serve_jwks(issuer) as jwks, serve_asgi(ChatApp(chat)) as chat_server, \
            serve_subgraphs(entity_subgraphs()) as (users, tickets):
        chat_url = f"http://127.0.0.1:{chat_server.config.port}/graphql"
        sources = [SubgraphSource("chat", chat_url, chat_sdl())]
        sources += [SubgraphSource(s.name, s.url, s.full_sdl) for s in (users, tickets)]
        composed = compose(sources)
        assert composed.supergraph_sdl is not None, [e.message for e in composed.errors]
        path = directory / "supergraph.graphql"
        path.write_text(composed.supergraph_sdl)
        yield LiveFederation(chat, chat_url, chat_server, users, tickets, issuer, jwks, str(path))
