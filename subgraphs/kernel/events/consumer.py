"""Idempotent consumption: each event id is handled once per queue, in one transaction."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from subgraphs.kernel import clock
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from telemetry import tracing

IdempotentHandler = Callable[[Event, UnitOfWork], Awaitable[None]]
# Whether a consumer has anything to do with an event: from its content, or (awaited) with a read of its own
Accepts = Callable[[Event], bool | Awaitable[bool]]


class _AlreadyHandled(Exception):
    """A concurrent delivery of the same event committed its marker first."""


def idempotent(outbox: Outbox, queue: str, handler: IdempotentHandler,
               accepts: Accepts | None = None) -> Callable[[Event], Awaitable[None]]:
    """Wrap `handler` so a redelivered event is acknowledged without its writes landing again.

    The processed-marker is written in the handler's own transaction: either the handler's
    writes and the marker both land, or neither does and the event is retried. A redelivery
    of an event already handled runs the handler again, and its transaction rolls back on the
    marker: what it did outside the database (waking a worker, forgetting a cached entry)
    must be harmless to repeat. An event `accepts` declines is acknowledged at once, with no
    database work but what `accepts` itself reads (no transaction, no marker).
    """
    processed = outbox.db["processed_events"]

    async def handle(event: Event) -> None:
        if accepts is not None:
            verdict = accepts(event)
            if not (await verdict if inspect.isawaitable(verdict) else verdict):
                return
        key = f"{queue}:{event.id}"  # no look for it first: the marker's insert finds a redelivery

        async def work(uow: UnitOfWork) -> None:
            # The marker goes first among the inserts the unit sends as it ends (one command with the handler's own
            # and its events): a redelivery runs the handler again, and all it wrote rolls back when the marker is
            # found taken. A duplicate key from the handler's own writes is its failure, to be retried.
            uow.insert(processed, {"_id": key, "type": event.type, "at": clock.now()}, duplicate=_AlreadyHandled)
            await handler(event, uow)

        with tracing.span(outbox.service, f"{queue} process", kind=tracing.SpanKind.CONSUMER,
                          parent=tracing.context_of(event.traceparent),
                          attributes={"messaging.destination.name": queue, "messaging.message.id": event.id,
                                      "aurontek.event.type": event.type}) as span:
            try:
                await outbox.transaction(work)
            except _AlreadyHandled:
                if span is not None:
                    span.set_attribute("aurontek.event.duplicate", True)
                return

    return handle
