"""The tickets service's shared parts, built once at start and reached from any resolver."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.kernel.events.outbox import Outbox
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.mongo import Database
from subgraphs.kernel.storage import Storage
from subgraphs.tickets.settings import TicketsSettings


@dataclass
class TicketsDeps:
    settings: TicketsSettings
    db: Database
    outbox: Outbox
    storage: Storage


def deps_of(ctx: RequestContext) -> TicketsDeps:
    return ctx.runtime.state["tickets"]
