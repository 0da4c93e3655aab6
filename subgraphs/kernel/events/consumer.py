"""Idempotent consumption: each event id is handled once per queue, in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pymongo.errors import DuplicateKeyError

from subgraphs.kernel import clock
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from telemetry import tracing

IdempotentHandler = Callable[[Event, UnitOfWork], Awaitable[None]]


class _AlreadyHandled(Exception):
    """A concurrent delivery of the same event committed its marker first."""


def idempotent(outbox: Outbox, queue: str, handler: IdempotentHandler,
               accepts: Callable[[Event], bool] | None = None) -> Callable[[Event], Awaitable[None]]:
    """Wrap `handler` so a redelivered event is acknowledged without running it again.

    The processed-marker is written in the handler's own transaction: either the handler's
    writes and the marker both land, or neither does and the event is retried. An event
    `accepts` declines is acknowledged at once, with no database work at all.
    """
    processed = outbox.db["processed_events"]

    async def handle(event: Event) -> None:
        if accepts is not None and not accepts(event):
            return
        key = f"{queue}:{event.id}"  # no look for it first: the marker's insert finds a redelivery at once

        async def work(uow: UnitOfWork) -> None:
            try:
                await processed.insert_one({"_id": key, "type": event.type, "at": clock.now()}, session=uow.session)
            except DuplicateKeyError:
                raise _AlreadyHandled from None
            # A duplicate key from the handler's own writes is its failure, to be retried, not a duplicate.
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
