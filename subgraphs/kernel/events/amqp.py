"""The RabbitMQ bus over aio-pika: one durable topic exchange, confirmed publishes, durable
consumer queues with delayed retries and a dead-letter queue, and per-instance live queues.

Topology per consumer queue Q:  exchange --(patterns)--> Q;  a failed delivery is re-published
to `Q.retry.<delay>ms` with a per-message expiry whose dead-letter route leads back to Q; after
the last attempt it goes to `Q.dead`. RabbitMQ expires messages only at the head of a queue, so
each delay has its own retry queue: a short retry never waits behind a longer one.
Re-publishing happens (confirmed) before the original is acked, so a crash in between
duplicates at worst, and consumers drop duplicates by event id.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustChannel, AbstractRobustConnection
from aiormq.exceptions import AMQPConnectionError
from yarl import URL

from subgraphs.kernel.events.bus import ConsumerSpec, next_attempt, retry_delay
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.lanes import WIDTH, Lanes, scope
from subgraphs.kernel.events.listening import listening
from subgraphs.kernel.events.topology import Durable
from subgraphs.kernel.logging import get_logger
from telemetry import metrics, tracing

log = get_logger(__name__)

ATTEMPT_HEADER = "x-aurontek-attempt"
# When the delivery first failed, in whole milliseconds since the epoch: an AMQP table keeps a float in 32 bits,
# which puts today's time up to a minute off, so the time goes as an integer.
FIRST_FAILURE_HEADER = "x-aurontek-first-failure-ms"
CONNECT_WAIT_SECONDS = 60.0
CONFIRM_TIMEOUT = 10.0  # seconds a publish waits for the broker to take the message


async def connect_when_up(url: str, name: str, *, wait: float = CONNECT_WAIT_SECONDS) -> AbstractRobustConnection:
    """A robust connection to RabbitMQ, waiting up to `wait` seconds for the broker to answer first.

    Once connected, aio-pika reconnects by itself; but its first attempt fails at once, and a service
    started beside a broker that is a few seconds late (a host booting, compose starting both) should
    wait for it rather than exit."""
    where = f"{URL(url).host}:{URL(url).port or (5671 if url.startswith('amqps') else 5672)}"
    loop = asyncio.get_running_loop()
    deadline, delay = loop.time() + wait, 0.25
    while True:
        try:
            return await aio_pika.connect_robust(url, client_properties={"connection_name": name})
        except (OSError, AMQPConnectionError) as exc:
            if loop.time() + delay > deadline:
                raise ConnectionError(f"RabbitMQ at {where} did not answer within {wait:g}s: {exc}") from exc
            log.warning("RabbitMQ at %s does not answer yet (%s); trying again in %.2gs", where, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _attempt(message: AbstractIncomingMessage) -> int:
    attempt = (message.headers or {}).get(ATTEMPT_HEADER, 1)
    if not isinstance(attempt, int):
        raise ValueError(f"{ATTEMPT_HEADER} is not a number: {attempt!r}")
    return attempt


QUEUE_TYPES = ("classic", "quorum")
# A quorum queue counts the deliveries of each message; past this many (a process that dies on it every time), it
# goes to the consumer's dead queue instead of going round for ever. Failures the handler reports are counted by
# the attempt header and retried through the retry queues, not here.
DELIVERY_LIMIT = 10


def queue_type_of(setting: str | None) -> str:
    """`setting`, else AMQP_QUEUE_TYPE, else classic: the queue type of the durable queues a bus declares."""
    chosen = (setting or os.environ.get("AMQP_QUEUE_TYPE") or "classic").strip().lower()
    if chosen not in QUEUE_TYPES:
        raise ValueError(f"AMQP_QUEUE_TYPE must be one of {', '.join(QUEUE_TYPES)}, not {chosen!r}")
    return chosen


def queue_arguments(queue_type: str, *, dead_letter_to: str | None = None,
                    delivery_limit: bool = False) -> dict[str, Any]:
    """The declare arguments of a durable queue: where expired or rejected messages go and, for quorum queues,
    the type, the delivery limit and at-least-once dead-lettering (which needs `reject-publish` overflow)."""
    arguments: dict[str, Any] = {}
    if dead_letter_to is not None:
        arguments.update({"x-dead-letter-exchange": "", "x-dead-letter-routing-key": dead_letter_to})
    if queue_type == "quorum":
        arguments["x-queue-type"] = "quorum"
        if delivery_limit:
            arguments["x-delivery-limit"] = DELIVERY_LIMIT
        if dead_letter_to is not None:
            arguments.update({"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"})
    return arguments


def retry_queues(spec: ConsumerSpec) -> dict[int, str]:
    """The queue that holds a delivery failed at each attempt until its retry: one per distinct delay."""
    return {
        attempt: f"{spec.queue}.retry.{round(retry_delay(spec.retry_delay_ms, attempt) * 1000)}ms"
        for attempt in range(1, spec.max_attempts)
    }


class AmqpBus:
    def __init__(self, url: str, *, exchange: str = "aurontek.events", prefetch: int = 32, width: int = WIDTH,
                 connect_wait: float = CONNECT_WAIT_SECONDS, confirm_timeout: float = CONFIRM_TIMEOUT,
                 queue_type: str | None = None) -> None:
        self.url = url
        self.queue_type = queue_type_of(queue_type)  # of every durable queue it declares
        self.confirm_timeout = confirm_timeout  # seconds a publish waits for the broker's confirm
        self.width = width  # deliveries of one queue handled at once (in order per subject: lanes.py)
        self.connect_wait = connect_wait
        self.exchange_name = exchange
        self.prefetch = max(prefetch, width)
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractRobustChannel | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None
        self._specs: list[ConsumerSpec] = []
        self._starting: set[asyncio.Task[None]] = set()
        self.declared: set[str] = set()  # queues this bus declared from the topology

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed and self._connection.connected.is_set()

    async def start(self) -> None:
        self._connection = await connect_when_up(self.url, "aurontek", wait=self.connect_wait)
        self._channel = await self._connection.channel(publisher_confirms=True)
        self._exchange = await self._channel.declare_exchange(
            self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        for spec in self._specs:
            await self._start_consumer(spec)

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
        self._connection = self._channel = self._exchange = None

    async def publish(self, event: Event) -> None:
        if self._exchange is None:
            raise ConnectionError("the event bus is not started")
        with tracing.span(None, f"{event.type} publish", kind=tracing.SpanKind.PRODUCER,
                          attributes=_messaging(self.exchange_name, event)):
            headers: dict[str, Any] | None = None
            if tracing.enabled():  # the consumers continue the trace from the publish (or know it was dropped)
                headers = {}
                tracing.inject(headers)
            message = aio_pika.Message(
                event.to_json(),
                headers=headers,
                message_id=event.id,
                type=event.type,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            # With publisher confirms, publish() returns once the broker has taken responsibility.
            await self._exchange.publish(message, routing_key=event.type, timeout=self.confirm_timeout)

    async def declare(self, durables: Iterable[Durable]) -> None:
        if self._channel is None:
            raise ConnectionError("the event bus is not started")
        exchange = await self._channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
        for durable in durables:
            # its dead queue first: a quorum queue sends a message past the delivery limit there
            await self._channel.declare_queue(f"{durable.queue}.dead", durable=True,
                                              arguments=queue_arguments(self.queue_type))
            self.declared.add(f"{durable.queue}.dead")
            queue = await self._channel.declare_queue(durable.queue, durable=True,
                                                      arguments=self._consumer_queue_arguments(durable.queue))
            for pattern in durable.patterns:
                await queue.bind(exchange, routing_key=pattern)
            for pattern in durable.retired:  # a binding that is not there is unbound all the same
                await queue.unbind(exchange, routing_key=pattern)
            self.declared.add(durable.queue)

    def _consumer_queue_arguments(self, queue: str) -> dict[str, Any]:
        """A consumer's queue: as a quorum queue, a message past the delivery limit goes to its dead queue."""
        if self.queue_type != "quorum":
            return {}
        return queue_arguments(self.queue_type, dead_letter_to=f"{queue}.dead", delivery_limit=True)

    def add_consumer(self, spec: ConsumerSpec) -> None:
        self._specs.append(spec)
        if self._connection is not None:  # declared in the background; keep the task so it is not collected
            task = asyncio.get_running_loop().create_task(self._start_consumer(spec))
            self._starting.add(task)
            task.add_done_callback(self._starting.discard)

    async def _start_consumer(self, spec: ConsumerSpec) -> None:
        assert self._connection is not None
        channel = await self._connection.channel(publisher_confirms=True)
        width = spec.width_on(self.width)
        await channel.set_qos(prefetch_count=max(self.prefetch, width))
        exchange = await channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
        await channel.declare_queue(f"{spec.queue}.dead", durable=True, arguments=queue_arguments(self.queue_type))
        queue = await channel.declare_queue(spec.queue, durable=True,
                                            arguments=self._consumer_queue_arguments(spec.queue))
        for pattern in spec.patterns:
            await queue.bind(exchange, routing_key=pattern)
        for retry_queue in set(retry_queues(spec).values()):
            await channel.declare_queue(retry_queue, durable=True,
                                        arguments=queue_arguments(self.queue_type, dead_letter_to=spec.queue))
        lanes = Lanes(width)  # several at once, in order per ticket, company-wide events as barriers

        async def on_message(message: AbstractIncomingMessage) -> None:
            try:
                decoded: tuple[Event, int] | Exception = (
                    Event.from_json(message.body, (message.headers or {}).get("traceparent")), _attempt(message))
            except Exception as exc:  # unreadable: its own lane, dead-lettered below
                decoded = exc
            key, within = ("malformed", "") if isinstance(decoded, Exception) else (
                spec.subject(decoded[0]), scope(decoded[0]))
            async with lanes.hold(key, within):
                await self._deliver(channel, spec, message, decoded)

        await queue.consume(on_message)

    async def _deliver(self, channel: AbstractRobustChannel, spec: ConsumerSpec, message: AbstractIncomingMessage,
                       decoded: tuple[Event, int] | Exception) -> None:
        try:
            if isinstance(decoded, Exception):  # unreadable: no retry can fix it, and it must not sit unacknowledged
                await self._forward(channel, message, f"{spec.queue}.dead", 1, error=f"malformed event: {decoded!r}")
                metrics.child(metrics.EVENTS_DEAD, metrics.service_of_queue(spec.queue), spec.queue).inc()
            else:
                await self._handle(channel, spec, message, *decoded)
        except Exception as exc:  # the copy for its retry (or the dead queue) was not confirmed: back to its queue
            log.warning("could not set a failed event aside; it goes back to its queue",
                        extra={"queue": spec.queue, "messageId": message.message_id, "error": repr(exc)})
            await _requeue(message)
            return
        await message.ack()

    async def _handle(self, channel: AbstractRobustChannel, spec: ConsumerSpec, message: AbstractIncomingMessage,
                      event: Event, attempt: int) -> None:
        """Run the handler; a failure is forwarded to the retry queue of its next attempt, or to the dead queue."""
        service = metrics.service_of_queue(spec.queue)
        try:
            await spec.handler(event)
            metrics.child(metrics.EVENTS_CONSUMED, service, spec.queue).inc()
        except Exception as exc:  # the handler's failure must never stop the consumer
            context = {"queue": spec.queue, "eventId": event.id, "eventType": event.type, "attempt": attempt}
            first_ms = (message.headers or {}).get(FIRST_FAILURE_HEADER)
            first = first_ms / 1000 if isinstance(first_ms, int) else time.time()
            retry = next_attempt(spec, attempt, exc, first)
            if retry is None:
                log.error("event dead-lettered", extra={**context, "error": repr(exc)})
                await self._forward(channel, message, f"{spec.queue}.dead", attempt, error=repr(exc))
                metrics.child(metrics.EVENTS_DEAD, service, spec.queue).inc()
            else:
                log.warning("event handler failed; will retry", extra={**context, "error": repr(exc)})
                number, delay = retry  # the retry queue of a delay holds the deliveries for the attempt after it
                await self._forward(channel, message, retry_queues(spec)[number - 1], number, expiration=delay,
                                    first_failure=first)
                metrics.child(metrics.EVENTS_RETRIED, service, spec.queue).inc()

    async def _forward(
        self,
        channel: AbstractRobustChannel,
        message: AbstractIncomingMessage,
        queue: str,
        attempt: int,
        *,
        error: str | None = None,
        expiration: float | None = None,
        first_failure: float | None = None,
    ) -> None:
        headers = dict(message.headers or {})
        headers[ATTEMPT_HEADER] = attempt
        if first_failure is not None:
            headers[FIRST_FAILURE_HEADER] = round(first_failure * 1000)
        if error:
            headers["x-aurontek-error"] = error[:1000]
        copy = aio_pika.Message(
            message.body,
            headers=headers,
            message_id=message.message_id,
            type=message.type,
            content_type=message.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            expiration=expiration,
        )
        await channel.default_exchange.publish(copy, routing_key=queue, timeout=self.confirm_timeout)

    @asynccontextmanager
    async def live(self, patterns: tuple[str, ...]) -> AsyncIterator[AsyncIterator[Event]]:
        """An exclusive, auto-deleted queue of this instance's own, bound to `patterns` on entry."""
        if self._connection is None:
            raise ConnectionError("the event bus is not started")
        channel = await self._connection.channel()
        try:
            exchange = await channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
            queue = await channel.declare_queue(exclusive=True, auto_delete=True)
            for pattern in patterns:
                await queue.bind(exchange, routing_key=pattern)
            async with queue.iterator(no_ack=True) as messages:
                listening()
                yield _decoded(messages)
        finally:
            await channel.close()


def _messaging(exchange: str, event: Event) -> dict[str, Any]:
    return {"messaging.system": "rabbitmq", "messaging.destination.name": exchange,
            "messaging.rabbitmq.destination.routing_key": event.type, "messaging.message.id": event.id}


async def _requeue(message: AbstractIncomingMessage) -> None:
    """Return a delivery to its queue now. Left unacknowledged on a channel that lives on, it would never be
    delivered again (a publish that timed out leaves the channel open). The forward may have reached the broker
    all the same: then the event comes twice, which the idempotent consumers absorb; it never comes zero times.
    When the channel is gone the broker requeues the delivery itself."""
    try:
        await message.nack(requeue=True)
    except Exception as exc:
        log.warning("could not return a delivery to its queue; the broker does when its channel closes",
                    extra={"messageId": message.message_id, "error": repr(exc)})


async def _decoded(messages: AsyncIterator[AbstractIncomingMessage]) -> AsyncIterator[Event]:
    async for message in messages:
        try:
            yield Event.from_json(message.body, (message.headers or {}).get("traceparent"))
        except Exception:
            log.warning("dropping malformed live event", extra={"messageId": message.message_id})
