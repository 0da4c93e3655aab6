"""The chat service as the kernel runs it: schema, settings, read models, system messages and the live feed."""

from __future__ import annotations

import functools
from datetime import timedelta

from subgraphs.chat import store
from subgraphs.chat.deps import ChatDeps
from subgraphs.chat.graphql.schema import build_schema
from subgraphs.chat.live.feed import CHANNELS, by_ticket
from subgraphs.chat.messages import system
from subgraphs.chat.messages.ordering import Numbering
from subgraphs.chat.people import model as people
from subgraphs.chat.settings import ChatSettings
from subgraphs.chat.tickets import model as tickets
from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.events.broadcast import start_feed
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.ratelimit import FixedWindowLimiter
from subgraphs.kernel.runtime import Runtime

TYPING_SIGNALS = 20  # per person and ticket per 10 s: a client sends one every few keystrokes at most


async def setup(runtime: Runtime) -> None:
    settings = runtime.settings
    assert isinstance(settings, ChatSettings)
    db = runtime.db
    await store.ensure_indexes(db)
    typing = FixedWindowLimiter(db, collection=store.TYPING_LIMITS, limit=TYPING_SIGNALS, window=timedelta(seconds=10))
    live = await start_feed(runtime, CHANNELS, by_ticket, backlog=settings.live_backlog)
    new_tickets = tickets.NewTickets()
    runtime.state["chat"] = ChatDeps(settings=settings, db=db, outbox=runtime.outbox, storage=runtime.storage,
                                     typing=typing, live=live, names=people.RecentNames(),
                                     numbering=Numbering(), new_tickets=new_tickets)

    async def on_person(event: Event, uow: UnitOfWork) -> None:
        await people.remember(event, uow, db)

    async def on_ticket(event: Event, uow: UnitOfWork) -> None:
        await system.on_ticket_event(db, event, uow)

    async def on_new_ticket(event: Event, uow: UnitOfWork) -> None:
        await tickets.remember(db, event, uow)

    runtime.consume("people", people.PATTERNS, on_person)
    runtime.consume("new-tickets", tickets.NEW_PATTERNS, on_new_ticket)
    runtime.consume("tickets", system.PATTERNS, on_ticket,
                    accepts=functools.partial(system.wanted, db=db, new_tickets=new_tickets))
    runtime.spawn("new-tickets", lambda: new_tickets.record(db, runtime.declared))


DEFINITION = SubgraphDefinition(
    name="chat",
    build_schema=build_schema,
    settings_class=ChatSettings,
    setup=setup,
    consumers=(("people", people.PATTERNS), ("new-tickets", tickets.NEW_PATTERNS), ("tickets", system.PATTERNS)),
    retired_bindings=(("tickets", tickets.RETIRED),),
)
