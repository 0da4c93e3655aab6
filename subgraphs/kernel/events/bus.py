"""The event bus interface shared by the RabbitMQ and in-process implementations."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

from subgraphs.kernel.errors import ServiceUnavailable
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.lanes import subject
from subgraphs.kernel.events.topology import Durable

# A delivery failing only for passing reasons is retried this long (at its longest delay) before it is dead:
# longer than a transaction a killed process left open lives (60 s in MongoDB and SecantusDB).
TRANSIENT_WINDOW = 300.0

Handler = Callable[[Event], Awaitable[None]]


@dataclass(frozen=True)
class ConsumerSpec:
    """A durable consumer: a named queue bound to routing-key patterns, with retry policy."""

    queue: str
    patterns: tuple[str, ...]
    handler: Handler
    max_attempts: int = 5
    retry_delay_ms: int = 2000
    transient_window: float = TRANSIENT_WINDOW  # seconds a passing failure is retried past max_attempts
    # What an event is about: events of one subject are handled one at a time, in order; others at once.
    subject: Callable[[Event], str] = subject
    width: int | None = None  # events in hand at once; None: the bus's width (EVENT_CONCURRENCY)

    def width_on(self, bus_width: int) -> int:
        """Events in hand at once on a bus whose own width is `bus_width`: the consumer's, if it asked for one."""
        return self.width or bus_width


class EventBus(Protocol):
    @property
    def connected(self) -> bool: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, event: Event) -> None:
        """Return once the event is safely with the bus (broker confirm, or queued in process)."""

    def add_consumer(self, spec: ConsumerSpec) -> None:
        """Register a durable consumer; it starts with `start()` (or at once if already started)."""

    async def declare(self, durables: Iterable[Durable]) -> None:
        """Make sure each durable queue exists and is bound, whether or not its consumer runs here (yet): from
        now on, events for it wait in its queue."""

    def live(self, patterns: tuple[str, ...]) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """This instance's own view of every matching event, for live subscriptions.

        `async with bus.live(patterns) as events:` returns once the subscription is in place, so
        an event published after that is seen; leaving the block ends the subscription.
        """


def retry_delay(base_ms: int, attempt: int) -> float:
    """Seconds to wait before attempt `attempt + 1`: exponential, capped at five minutes."""
    return min(base_ms * 2 ** max(0, attempt - 1), 300_000) / 1000


WRITE_CONFLICT, NO_SUCH_TRANSACTION, EXCEEDED_TIME_LIMIT, MAX_TIME_EXPIRED = 112, 251, 262, 50


def transient(exc: BaseException) -> bool:
    """A failure that passes by itself, not a poison event: a write conflict (with a transaction that a killed
    process left open until its lifetime ends), the database away for a moment, a service saying try later."""
    if isinstance(exc, PyMongoError) and exc.has_error_label("TransientTransactionError"):
        return True
    if isinstance(exc, OperationFailure) and exc.code in (WRITE_CONFLICT, NO_SUCH_TRANSACTION,
                                                          EXCEEDED_TIME_LIMIT, MAX_TIME_EXPIRED):
        return True
    return isinstance(exc, ConnectionFailure | ServiceUnavailable | TimeoutError | ConnectionError)


def next_attempt(spec: ConsumerSpec, attempt: int, exc: BaseException, first_failure: float
                 ) -> tuple[int, float] | None:
    """After attempt `attempt` failed with `exc`: the number of the next attempt and the seconds to wait for it, or
    None when the delivery is dead. Once its attempts are spent a delivery failing for a passing reason goes on at
    the longest delay, until `spec.transient_window` after its first failure (`first_failure`, seconds since the
    epoch)."""
    if attempt < spec.max_attempts:
        return attempt + 1, retry_delay(spec.retry_delay_ms, attempt)
    if spec.max_attempts > 1 and transient(exc) and time.time() - first_failure < spec.transient_window:
        return attempt, retry_delay(spec.retry_delay_ms, spec.max_attempts - 1)
    return None
