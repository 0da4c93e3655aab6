"""The in-process bus for embedded mode: same contract as RabbitMQ, inside one process.

Each consumer has its own queue and worker, so a slow consumer delays only itself. A worker hands
its queue's events to lanes (lanes.py), as the RabbitMQ consumer does: up to `width` at once, one
at a time per ticket, events about a company as a whole as barriers. Failed handlers are retried
with backoff and, after `max_attempts`, kept in `dead_letters`. A queue declared from the topology
before its consumer registers keeps its events until it does, as a durable RabbitMQ queue would.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from subgraphs.kernel.events.bus import ConsumerSpec, next_attempt
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.lanes import WIDTH, Lanes, scope
from subgraphs.kernel.events.listening import listening
from subgraphs.kernel.events.topics import matches_any
from subgraphs.kernel.events.topology import Durable
from subgraphs.kernel.logging import get_logger
from telemetry import metrics, tracing

log = get_logger(__name__)
Delivery = tuple[Event, int, float | None]  # an event, its attempt's number, when it first failed (none yet)


@dataclass
class DeadLetter:
    queue: str
    event: Event
    error: str
    attempts: int


class InProcessBus:
    def __init__(self, *, width: int = WIDTH) -> None:
        self.width = width  # events of one queue handled at once
        self._consumers: list[tuple[ConsumerSpec, asyncio.Queue[Delivery]]] = []
        self._workers: list[asyncio.Task[None]] = []
        self._handling: set[asyncio.Task[None]] = set()
        self._live: list[tuple[tuple[str, ...], asyncio.Queue[Event]]] = []
        self.dead_letters: list[DeadLetter] = []
        self._retries: set[asyncio.Task[None]] = set()
        self._started = False
        # Deliveries queued, being handled or waiting for a retry, by queue; drain() waits for none.
        self._pending: dict[str, int] = {}
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._holds: dict[str, asyncio.Event] = {}
        # Declared queues whose consumer has not registered yet: their patterns and the events kept for them.
        self._waiting: dict[str, tuple[tuple[str, ...], list[Event]]] = {}

    @property
    def connected(self) -> bool:
        return self._started

    async def start(self) -> None:
        self._started = True
        for spec, queue in self._consumers:
            self._spawn(spec, queue)

    async def close(self) -> None:
        self._started = False
        for task in [*self._workers, *self._handling, *self._retries]:
            task.cancel()
        for task in [*self._workers, *self._handling]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers.clear()
        # What is still queued is delivered after a restart; cancelled work is gone with the process.
        self._pending = {spec.queue: queue.qsize() for spec, queue in self._consumers}
        self._in_flight = sum(self._pending.values())
        if self._in_flight == 0:
            self._idle.set()

    async def publish(self, event: Event) -> None:
        if tracing.enabled():  # as over the broker: the consumers continue the trace from the publish
            with tracing.span(None, f"{event.type} publish", kind=tracing.SpanKind.PRODUCER,
                              attributes={"messaging.system": "in-process", "messaging.message.id": event.id}):
                event = event.traced_as(tracing.traceparent())
        for spec, queue in self._consumers:
            if matches_any(spec.patterns, event.type):
                self._enqueued(spec.queue)
                queue.put_nowait((event, 1, None))
        for patterns, kept in self._waiting.values():
            if matches_any(patterns, event.type):
                kept.append(event)
        for patterns, live_queue in self._live:
            if matches_any(patterns, event.type):
                live_queue.put_nowait(event)

    async def declare(self, durables: Iterable[Durable]) -> None:
        registered = {spec.queue for spec, _ in self._consumers}
        for durable in durables:
            if durable.queue not in registered:
                self._waiting.setdefault(durable.queue, (durable.patterns, []))

    def add_consumer(self, spec: ConsumerSpec) -> None:
        queue: asyncio.Queue[Delivery] = asyncio.Queue()
        _patterns, kept = self._waiting.pop(spec.queue, ((), []))
        for event in kept:  # what was published before the consumer came, in order
            self._enqueued(spec.queue)
            queue.put_nowait((event, 1, None))
        self._consumers.append((spec, queue))
        if self._started:
            self._spawn(spec, queue)

    @asynccontextmanager
    async def live(self, patterns: tuple[str, ...]) -> AsyncIterator[AsyncIterator[Event]]:
        entry: tuple[tuple[str, ...], asyncio.Queue[Event]] = (patterns, asyncio.Queue())
        self._live.append(entry)
        listening()

        async def events() -> AsyncIterator[Event]:
            while True:
                yield await entry[1].get()

        try:
            yield events()
        finally:
            self._live.remove(entry)

    @asynccontextmanager
    async def held(self, queue: str) -> AsyncIterator[None]:
        """Deliveries to consumer `queue` wait until the block ends, then go on in order: a read model that lags
        behind its owner, on demand (tests of what a client sees meanwhile)."""
        gate = self._holds.setdefault(queue, asyncio.Event())
        try:
            yield
        finally:
            del self._holds[queue]
            gate.set()

    async def drain(self) -> None:
        """Wait until every delivery, retries included, is handled or dead (tests and orderly shutdown)."""
        await self._idle.wait()

    def backlog(self) -> dict[str, int]:
        """Deliveries not yet done, by consumer queue: queued, being handled or waiting for a retry."""
        return {spec.queue: self._pending.get(spec.queue, 0) for spec, _queue in self._consumers}

    def _enqueued(self, queue: str) -> None:
        self._pending[queue] = self._pending.get(queue, 0) + 1
        self._in_flight += 1
        self._idle.clear()

    def _settled(self, queue: str) -> None:
        self._pending[queue] -= 1
        self._in_flight -= 1
        if self._in_flight == 0:
            self._idle.set()

    def _spawn(self, spec: ConsumerSpec, queue: asyncio.Queue[Delivery]) -> None:
        self._workers.append(asyncio.create_task(self._work(spec, queue), name=f"consumer:{spec.queue}"))

    async def _work(self, spec: ConsumerSpec, queue: asyncio.Queue[Delivery]) -> None:
        lanes = Lanes(spec.width_on(self.width))
        while True:
            delivery = await queue.get()
            queue.task_done()
            if (gate := self._holds.get(spec.queue)) is not None:
                await gate.wait()
            # Tasks start in the order they are made, so each takes its place in its lane in the queue's order.
            task = asyncio.create_task(self._handle(spec, queue, lanes, delivery), name=f"handle:{spec.queue}")
            self._handling.add(task)
            task.add_done_callback(self._handling.discard)

    async def _handle(self, spec: ConsumerSpec, queue: asyncio.Queue[Delivery], lanes: Lanes,
                      delivery: Delivery) -> None:
        event, attempt, first_failure = delivery
        async with lanes.hold(spec.subject(event), scope(event)):
            try:
                await spec.handler(event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a handler's failure must never stop the consumer
                self._retry_or_bury(spec, queue, event, attempt, first_failure or time.time(), exc)
            else:
                metrics.child(metrics.EVENTS_CONSUMED, metrics.service_of_queue(spec.queue), spec.queue).inc()
                self._settled(spec.queue)

    def _retry_or_bury(self, spec: ConsumerSpec, queue: asyncio.Queue[Delivery], event: Event, attempt: int,
                       first_failure: float, exc: Exception) -> None:
        context = {"queue": spec.queue, "eventId": event.id, "eventType": event.type, "attempt": attempt}
        retry = next_attempt(spec, attempt, exc, first_failure)
        if retry is None:
            log.error("event dead-lettered", extra={**context, "error": repr(exc)})
            metrics.child(metrics.EVENTS_DEAD, metrics.service_of_queue(spec.queue), spec.queue).inc()
            self.dead_letters.append(DeadLetter(spec.queue, event, repr(exc), attempt))
            self._settled(spec.queue)
            return
        log.warning("event handler failed; will retry", extra={**context, "error": repr(exc)})
        metrics.child(metrics.EVENTS_RETRIED, metrics.service_of_queue(spec.queue), spec.queue).inc()
        number, delay = retry

        async def requeue() -> None:
            await asyncio.sleep(delay)
            queue.put_nowait((event, number, first_failure))

        task = asyncio.get_running_loop().create_task(requeue())
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)
