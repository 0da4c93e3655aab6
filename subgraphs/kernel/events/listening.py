"""When a subscription starts hearing events: the moment its resolver has registered with a live feed.

graphql-transport-ws has no acknowledgement of `subscribe`, so a client that subscribes and at once makes the
change it wants to hear about races the server: the event may be published before the resolver, still checking
access, listens. Our answer is the protocol's own ping: a `pong` is sent only once every subscription started
earlier on that connection listens (or has ended). The WebSocket handler sets a future per operation in this
context variable before it starts the operation's task (which inherits it); the live feeds call `listening()`
once the resolver's listener is in place.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

_started: ContextVar[asyncio.Future[None] | None] = ContextVar("subscription_listening", default=None)


def expect_listening(ready: asyncio.Future[None] | None) -> None:
    """Operations started from now on in this context tell `ready` when they listen."""
    _started.set(ready)


def listening() -> None:
    """The running subscription now hears every event published from here on."""
    ready = _started.get()
    if ready is not None and not ready.done():
        ready.set_result(None)
