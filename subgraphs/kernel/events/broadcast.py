"""Live fan-out across instances: broadcaster over RabbitMQ (or the in-process bus), then per key.

Each running instance binds ONE exclusive, auto-deleted queue to the events exchange, with one
binding per channel (a routing-key pattern, e.g. `chat.message_added` or `ticket.*`) that its
live subscriptions need; broadcaster hands each delivery to this instance's subscriber of that
channel. On top, `LiveFeed` decodes each event once and passes it only to the listeners of its
keys (e.g. its ticket), so an event costs an instance its own interested listeners, not all of
them; an event that arrives twice (an early live copy, then the outbox's) is passed on once.
Live delivery is best effort: what arrives while the broker is away is not replayed (state is
in the database; a client refetches when it reconnects).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import aio_pika
import orjson
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage, AbstractQueue, AbstractRobustConnection
from broadcaster import Broadcast, BroadcastBackend
from broadcaster import Event as Delivery

from subgraphs.kernel.events.amqp import AmqpBus, connect_when_up
from subgraphs.kernel.events.bus import EventBus
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.listening import listening
from subgraphs.kernel.events.topics import matches
from subgraphs.kernel.logging import get_logger
from telemetry import metrics, tracing

if TYPE_CHECKING:
    from subgraphs.kernel.runtime import Runtime

log = get_logger(__name__)

Route = Callable[[Event], Iterable[Hashable]]
DEFAULT_BACKLOG = 256  # events a listener may leave unread before it is dropped
EARLY = "live."  # routing-key prefix of early copies: no durable consumer binds it
STOP_SECONDS = 5.0  # how long stopping waits for a pump or an unbinding before it goes on without it
RECENT_EVENTS = 10_000  # ids remembered to drop a second copy; far more than arrive while one is in flight
OUTGOING = 1_000  # copies for the other instances waiting for the broker before more are dropped
SEND_SECONDS = 5.0  # how long one copy's publish may take before the next one's turn (that copy is then missed)


class AmqpBackend(BroadcastBackend):
    """broadcaster's backend on RabbitMQ: this instance's exclusive queue on the events exchange."""

    def __init__(self, url: str, *, exchange: str) -> None:  # the base class's __init__ only raises
        self.url = url
        self.exchange_name = exchange
        self._channels: set[str] = set()
        self._inbox: asyncio.Queue[Delivery] = asyncio.Queue()
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._queue: AbstractQueue | None = None

    async def connect(self) -> None:
        self._connection = await connect_when_up(self.url, "live")
        channel = await self._connection.channel(publisher_confirms=False)
        self._exchange = await channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC,
                                                        durable=True)
        self._queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await self._queue.consume(self._received, no_ack=True)

    async def disconnect(self) -> None:
        if self._connection is not None:
            await self._connection.close()
        self._connection = self._exchange = self._queue = None

    async def subscribe(self, channel: str) -> None:
        assert self._queue is not None and self._exchange is not None, "connect() first"
        await self._queue.bind(self._exchange, routing_key=channel)
        self._channels.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)  # from now on its deliveries are not passed on, bound or not
        if self._queue is None or self._exchange is None:
            return
        if self._connection is None or not self._connection.connected.is_set():
            return  # the exclusive queue, and its bindings, went with the connection: waiting would hang
        try:
            await asyncio.wait_for(self._queue.unbind(self._exchange, routing_key=channel), STOP_SECONDS)
        except Exception as exc:
            log.warning("could not unbind a live channel; its deliveries are ignored", extra={
                "channel": channel, "error": repr(exc)})

    async def publish(self, channel: str, message: str) -> None:
        """Publish to the events exchange with `channel` as the routing key; transient, never stored."""
        assert self._exchange is not None, "connect() first"
        await self._exchange.publish(aio_pika.Message(message.encode(), content_type="application/json"),
                                     routing_key=channel)

    async def next_published(self) -> Delivery:
        return await self._inbox.get()

    async def _received(self, message: AbstractIncomingMessage) -> None:
        # One queue holds every binding: name each channel whose pattern the routing key matches.
        try:
            body = message.body.decode()
        except UnicodeDecodeError:
            # Live copies are not kept: the durable consumers' queues hold the same message and dead-letter it.
            log.warning("dropping a live event that is not UTF-8 JSON", extra={
                "messageId": message.message_id, "routingKey": message.routing_key})
            return
        traceparent = (message.headers or {}).get("traceparent")
        if isinstance(traceparent, str | bytes) and tracing.enabled():  # an outbox copy: its trace, in the text
            body = _with_traceparent(body, traceparent)
        for channel in self._channels:
            if matches(channel, message.routing_key or ""):
                self._inbox.put_nowait(Delivery(channel, body))


class BusBackend(BroadcastBackend):
    """broadcaster's backend on an event bus's own live view (the in-process bus in embedded mode)."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self._inbox: asyncio.Queue[Delivery] = asyncio.Queue()
        self._pumps: dict[str, asyncio.Task[None]] = {}

    async def connect(self) -> None:
        pass

    async def disconnect(self) -> None:
        for channel in list(self._pumps):
            await self.unsubscribe(channel)

    async def subscribe(self, channel: str) -> None:
        ready = asyncio.Event()
        task = asyncio.create_task(self._pump(channel, ready), name=f"live:{channel}")
        self._pumps[channel] = task
        waiting = asyncio.ensure_future(ready.wait())
        await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if task.done():  # the bus refused the subscription: say why
            task.result()

    async def unsubscribe(self, channel: str) -> None:
        task = self._pumps.pop(channel, None)
        if task is not None:
            await _cancelled([task])

    async def publish(self, channel: str, message: str) -> None:
        await self.bus.publish(from_live(message))

    async def next_published(self) -> Delivery:
        return await self._inbox.get()

    async def _pump(self, channel: str, ready: asyncio.Event) -> None:
        async with self.bus.live((channel,)) as events:
            ready.set()
            async for event in events:
                self._inbox.put_nowait(Delivery(channel, live_text(event)))


class LiveEventsLost(Exception):
    """A listener fell too far behind and events were dropped; its subscriber should refetch and resubscribe."""


class Listener:
    """One subscription's events, in order, with a bounded backlog."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._events: deque[Event] = deque()
        self._wake = asyncio.Event()
        self.lost = False

    def push(self, event: Event) -> None:
        if len(self._events) >= self.limit:
            self.lost = True  # a slow listener loses its subscription, never slows the others
        else:
            self._events.append(event)
        self._wake.set()

    def __len__(self) -> int:
        """Events waiting to be read."""
        return len(self._events)

    def __aiter__(self) -> Listener:
        return self

    async def __anext__(self) -> Event:
        event = await self._next()
        # what the subscription sends next belongs to this event's trace (the transport reads it when it frames it)
        tracing.live_traceparent.set(event.traceparent)
        return event

    async def _next(self) -> Event:
        while True:
            if self.lost:
                raise LiveEventsLost(f"more than {self.limit} live events were waiting; refetch and resubscribe")
            if self._events:
                return self._events.popleft()
            self._wake.clear()
            await self._wake.wait()


class LiveFeed:
    """This instance's live events for some channels, each decoded once and handed to the listeners of its keys."""

    def __init__(self, broadcast: Broadcast, channels: tuple[str, ...], route: Route, *,
                 backlog: int = DEFAULT_BACKLOG, early: bool = False, service: str = "aurontek") -> None:
        self.broadcast = broadcast
        self._delivered = metrics.child(metrics.LIVE_DELIVERIES, service)  # this service's count of events handed on
        self.channels = channels
        self.route = route
        self.backlog = backlog
        self.early = early  # other instances hear announced events ahead of the outbox (under `live.<type>`)
        self._listeners: dict[Hashable, set[Listener]] = {}
        self._pumps: list[asyncio.Task[None]] = []
        self._recent: OrderedDict[str, None] = OrderedDict()  # ids of the last events passed on
        # Copies for the other instances through the broker, sent in order by one task (started with the feed):
        # the caller goes on once its own instance's listeners have the event.
        self._outgoing: asyncio.Queue[tuple[str, str]] | None = None
        self._dropped = 0  # copies not sent because too many were waiting (logged now and then)

    async def start(self) -> None:
        """Subscribe every channel; returns once each is bound, so later events are seen."""
        if self.early:
            outgoing = self._outgoing = asyncio.Queue(OUTGOING)
            self._pumps.append(asyncio.create_task(self._send_forever(outgoing), name="live-feed:outgoing"))
        for channel in self.channels:  # one at a time: broadcaster's first subscription to a channel is not reentrant
            ready = asyncio.Event()
            task = asyncio.create_task(self._pump(channel, ready), name=f"live-feed:{channel}")
            self._pumps.append(task)
            waiting = asyncio.ensure_future(ready.wait())
            await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            if task.done():
                task.result()

    async def stop(self) -> None:
        pumps, self._pumps = self._pumps, []
        await _cancelled(pumps)

    async def publish(self, event: Event, channel: str | None = None) -> None:
        """Send an ephemeral event (never stored) to every instance's live subscribers, under its type or
        `channel`: this instance's at once, the others' through the broker (sent after the caller goes on, see
        `_send`). With the broker away the others miss it, which is only logged: what is never stored is not worth
        failing the caller for."""
        self._deliver(event)
        if self._outgoing is not None:
            self._send(channel or event.type, live_text(event))
            return
        try:
            await self.broadcast.publish(channel or event.type, live_text(event))
        except Exception as exc:
            log.warning("live event not sent to the other instances", extra={"type": event.type,
                                                                             "error": repr(exc)})

    async def announce(self, event: Event) -> None:
        """An event just committed (its outbox copy follows): to this instance's listeners at once, and to the
        other instances' under `live.<type>`; whichever copy comes first is passed on, once. A failure is
        only logged: the outbox still delivers."""
        self._deliver(event)
        if self._outgoing is not None:
            self._send(EARLY + event.type, live_text(event))

    def _send(self, channel: str, text: str) -> None:
        """Hand a copy to the sending task. The caller does not wait for the broker: a publish waits for the
        connection's earlier writes to drain, and while the broker took them slowly (its flow control under load)
        every chat message's reply waited with it (benchmarks/subscriptions/RESULTS.md). With `OUTGOING` copies already
        waiting, this one is dropped: an announced event still comes through the outbox, an ephemeral one is
        missed elsewhere, as when the broker is away."""
        assert self._outgoing is not None
        try:
            self._outgoing.put_nowait((channel, text))
        except asyncio.QueueFull:
            self._dropped += 1
            if self._dropped % OUTGOING == 1:
                log.warning("live copies for the other instances dropped: the broker is not taking them",
                            extra={"dropped": self._dropped, "waiting": OUTGOING})

    async def _send_forever(self, outgoing: asyncio.Queue[tuple[str, str]]) -> None:
        while True:
            channel, text = await outgoing.get()
            try:
                await asyncio.wait_for(self.broadcast.publish(channel, text), SEND_SECONDS)
            except Exception as exc:
                log.warning("live copy not sent to the other instances", extra={"channel": channel,
                                                                                 "error": repr(exc)})

    @asynccontextmanager
    async def listen(self, *keys: Hashable) -> AsyncIterator[Listener]:
        """The events routed to any of `keys` from now on, for the length of the block."""
        listener = Listener(self.backlog)
        for key in keys:
            self._listeners.setdefault(key, set()).add(listener)
        listening()
        try:
            yield listener
        finally:
            for key in keys:
                listeners = self._listeners.get(key)
                if listeners is not None:
                    listeners.discard(listener)
                    if not listeners:
                        del self._listeners[key]

    def listeners(self, key: Hashable) -> int:
        """How many listen to `key` now (for readiness checks)."""
        return len(self._listeners.get(key, ()))

    async def _pump(self, channel: str, ready: asyncio.Event) -> None:
        async with self.broadcast.subscribe(channel) as subscriber:
            ready.set()
            while True:
                self._dispatch(await subscriber.get())

    def _dispatch(self, delivery: Delivery) -> None:
        try:
            event = from_live(delivery.message)
            keys = list(self.route(event))
        except Exception:  # one bad message must not stop the feed
            log.warning("dropping an unreadable live event", extra={"channel": delivery.channel})
            return
        self._deliver(event, keys)

    def _deliver(self, event: Event, keys: list[Hashable] | None = None) -> None:
        if self._seen(event.id):
            return
        delivered: set[int] = set()
        for key in keys if keys is not None else self.route(event):
            for listener in tuple(self._listeners.get(key, ())):
                if id(listener) not in delivered:  # a listener of two keys gets the event once
                    delivered.add(id(listener))
                    listener.push(event)
        if delivered:
            self._delivered.inc(len(delivered))

    def _seen(self, event_id: str) -> bool:
        """An event may come twice (an early live copy, then the outbox's): pass each on once."""
        if event_id in self._recent:
            return True
        self._recent[event_id] = None
        if len(self._recent) > RECENT_EVENTS:
            self._recent.popitem(last=False)
        return False


def live_text(event: Event) -> str:
    """A live copy as sent between instances: the envelope, and the trace it belongs to when there is one."""
    text = event.to_json().decode()
    return _with_traceparent(text, event.traceparent) if event.traceparent else text


def from_live(text: str) -> Event:
    raw = orjson.loads(text)
    return Event.from_dict(raw).traced_as(raw.get("traceparent") if isinstance(raw.get("traceparent"), str) else None)


def _with_traceparent(text: str, traceparent: str | bytes) -> str:
    value = traceparent.decode("latin-1") if isinstance(traceparent, bytes) else traceparent
    if not text.endswith("}") or '"traceparent"' in text:
        return text
    return f'{text[:-1]},"traceparent":{orjson.dumps(value).decode()}}}'


def backend_for(runtime: Runtime) -> BroadcastBackend:
    """RabbitMQ when the service's bus is RabbitMQ, else the in-process bus's own live view."""
    if isinstance(runtime.bus, AmqpBus):
        return AmqpBackend(runtime.bus.url, exchange=runtime.bus.exchange_name)
    return BusBackend(runtime.bus)


async def start_feed(runtime: Runtime, channels: tuple[str, ...], route: Route, *,
                     backlog: int = DEFAULT_BACKLOG) -> LiveFeed:
    """Connect this instance's broadcast and feed; both are let go when the service stops."""
    backend = backend_for(runtime)
    broadcast = Broadcast(backend=backend)
    await broadcast.connect()
    # In process a service runs once: announcing reaches its listeners; early copies are for other instances.
    feed = LiveFeed(broadcast, channels, route, backlog=backlog, early=isinstance(backend, AmqpBackend),
                    service=runtime.name)
    try:
        await feed.start()
    except BaseException:
        await _close(feed, broadcast, backend)
        raise

    async def hold() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await _close(feed, broadcast, backend)

    runtime.spawn("live-feed", hold)
    return feed


async def _close(feed: LiveFeed, broadcast: Broadcast, backend: BroadcastBackend) -> None:
    await feed.stop()
    # broadcaster re-raises a failed listener before letting its backend go: let go of it either way
    with contextlib.suppress(Exception):
        await broadcast.disconnect()
    await backend.disconnect()


async def _cancelled(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel `tasks` and wait (at most STOP_SECONDS) for them to end. Unlike awaiting each under
    `suppress(CancelledError)`, this never swallows a cancellation of the caller, so a stop can itself be
    cancelled or timed out."""
    for task in tasks:
        task.cancel()
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=STOP_SECONDS)
    if pending:
        log.warning("live pumps did not stop in time; left behind", extra={"pumps": len(pending)})
