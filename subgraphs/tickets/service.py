"""The tickets service as the kernel runs it: schema, settings, consumers and the SLA scheduler."""

from __future__ import annotations

from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.events.broadcast import start_feed
from subgraphs.kernel.runtime import Runtime
from subgraphs.tickets import store
from subgraphs.tickets.catalogue import defaults, resync
from subgraphs.tickets.conversation import chat_replies, counts
from subgraphs.tickets.deps import TicketsDeps
from subgraphs.tickets.graphql.schema import build_schema
from subgraphs.tickets.intelligence import consumers as intelligence
from subgraphs.tickets.people import model as people
from subgraphs.tickets.settings import TicketsSettings
from subgraphs.tickets.sla.scheduler import SlaScheduler
from subgraphs.tickets.ticket import backfill, live


async def setup(runtime: Runtime) -> None:
    settings = runtime.settings
    assert isinstance(settings, TicketsSettings)
    await store.ensure_indexes(runtime.db)
    await counts.backfill(runtime.db)
    await backfill.participants_backfill(runtime.db)
    deps = TicketsDeps(settings=settings, db=runtime.db, outbox=runtime.outbox, storage=runtime.storage)
    runtime.state["tickets"] = deps
    runtime.outbox.committed.append(deps.desks.forget)
    runtime.follow(deps.desks.follower)
    if settings.seed_catalogue:
        await defaults.seed(runtime.db, runtime.outbox)
    runtime.consume("people", people.PATTERNS, people.PeopleModel(runtime.db).record)
    runtime.consume("intelligence", intelligence.PATTERNS, intelligence.IntelligenceConsumer(deps).handle)
    runtime.consume("chat", chat_replies.PATTERNS, chat_replies.ChatReplies(deps).handle,
                    accepts=chat_replies.from_the_desk)
    runtime.consume("resync", resync.PATTERNS, resync.CatalogueResync(runtime.db).answer)
    runtime.state["tickets_live"] = await start_feed(runtime, live.CHANNELS, live.routes)
    scheduler = SlaScheduler(deps)
    runtime.state["sla_scheduler"] = scheduler
    runtime.spawn("sla-scheduler", scheduler.run_forever)


DEFINITION = SubgraphDefinition(
    name="tickets",
    build_schema=build_schema,
    settings_class=TicketsSettings,
    setup=setup,
    consumers=(("people", people.PATTERNS), ("intelligence", intelligence.PATTERNS),
               ("chat", chat_replies.PATTERNS), ("resync", resync.PATTERNS)),
)
