"""The chat service's shared parts, built once at start and reached from any resolver."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.chat.messages.ordering import Numbering
from subgraphs.chat.people.model import RecentNames
from subgraphs.chat.settings import ChatSettings
from subgraphs.chat.tickets.model import NewTickets
from subgraphs.kernel.events.broadcast import LiveFeed
from subgraphs.kernel.events.outbox import Outbox
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.ratelimit import FixedWindowLimiter
from subgraphs.kernel.storage import Storage


@dataclass
class ChatDeps:
    settings: ChatSettings
    db: Database
    outbox: Outbox
    storage: Storage
    typing: FixedWindowLimiter
    live: LiveFeed
    names: RecentNames
    numbering: Numbering
    new_tickets: NewTickets  # when ticket creations first came on their own queue


def deps_of(ctx: RequestContext) -> ChatDeps:
    return ctx.runtime.state["chat"]
