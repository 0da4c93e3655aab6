"""Sockets outlive no session: the users service's security events close the sockets they concern.

A WebSocket is authenticated once, at `connection_init`; left alone it would deliver until its access token
expires, up to 15 minutes after a logout. So the gateway listens to the security events the users service
publishes (the same ones every subgraph uses to refuse stale tokens): for each, every open socket whose token
it makes stale (same user, session, company or role, issued before the event) is closed at once, on every
gateway instance (each has its own exclusive queue on the broker, or `aurontek up` hands over its bus).

- session over (sign-out, revoked session, deactivated or deleted person, password changed, suspended or
  deleted company): 4403, which the client must not retry with the same credentials;
- powers changed (role or permissions, a role edited): 4419, the client refreshes its token and reconnects.

The gateway imports no subgraph code: the events are read as the published JSON (`type`, `occurredAt`, `data`),
and the rules below follow the users service's event contract (subgraphs/kernel/auth/revocations.py reads the
same events the same way for HTTP requests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import aio_pika
import orjson

from supergraph.graphql_ws.close_codes import CloseCode

if TYPE_CHECKING:
    from supergraph.server.websocket.registry import Connections

log = logging.getLogger("supergraph.sessions")

PATTERNS = ("user.*", "role.*", "company.*")
ENDS_SESSION = frozenset({"user.signed_out", "user.session_revoked", "user.deactivated", "user.deleted",
                          "user.password_changed", "company.suspended", "company.deleted"})
SECURITY_FIELDS = frozenset({"roleId", "permissions", "status", "email", "companyId"})


class SecurityEvent(Protocol):
    @property
    def type(self) -> str: ...

    @property
    def data(self) -> dict[str, Any]: ...

    @property
    def occurred_at(self) -> datetime: ...


@dataclass(frozen=True)
class PublishedEvent:
    type: str
    data: dict[str, Any]
    occurred_at: datetime

    @classmethod
    def from_json(cls, body: bytes) -> PublishedEvent:
        raw = orjson.loads(body)
        return cls(raw["type"], raw.get("data") or {}, datetime.fromisoformat(raw["occurredAt"]))


Listen = Callable[[tuple[str, ...]], AbstractAsyncContextManager[AsyncIterator[Any]]]


def revoked_keys(event: SecurityEvent) -> set[str]:
    """The user, session, role or company whose earlier tokens the event makes stale; none for most events."""
    data, kind = event.data, event.type
    if kind in {"user.deactivated", "user.deleted", "user.password_changed"}:
        return {f"user:{data['userId']}"}
    if kind == "user.updated" and SECURITY_FIELDS & set(data.get("changed") or ()):
        return {f"user:{data['userId']}"}
    if kind == "user.signed_out":
        return {f"user:{data['userId']}"} if data.get("everywhere") else {f"session:{data['sessionId']}"}
    if kind == "user.session_revoked":
        return {f"session:{data['sessionId']}"}
    if kind in {"role.updated", "role.deleted"}:
        return {f"role:{data['roleId']}"}
    if kind in {"company.suspended", "company.deleted"}:
        return {f"company:{data['companyId']}"}
    return set()


def keys_of(claims: Mapping[str, Any]) -> set[str]:
    keys = {f"user:{claims.get('sub')}", f"company:{claims.get('cid')}"}
    keys |= {f"role:{claims['rid']}"} if claims.get("rid") else set()
    keys |= {f"session:{claims['sid']}"} if claims.get("sid") else set()
    return keys


def close_for(event: SecurityEvent) -> tuple[CloseCode, str]:
    if event.type in ENDS_SESSION:
        return CloseCode.FORBIDDEN, f"Forbidden: the session ended ({event.type})"
    return CloseCode.TOKEN_EXPIRED, f"Token stale: refresh it and reconnect ({event.type})"


def close_stale(connections: Connections, event: SecurityEvent) -> int:
    """Close each open socket whose token `event` makes stale; how many were closed."""
    keys = revoked_keys(event)
    if not keys:
        return 0
    at = event.occurred_at.timestamp()
    code, reason = close_for(event)
    stale = [c for c in list(connections.open)
             if c.caller is not None and keys & keys_of(c.caller.claims) and c.caller.issued_at < at]
    for connection in stale:
        connection.close_soon(code, reason)
    return len(stale)


class Revocations:
    """What the security events have made stale, remembered so that a token revoked before its socket or stream
    opens is refused at the door too (closing what is open is `close_stale`'s part): each revoked key (user,
    session, role, company) with the latest time it was revoked and how a connection is then closed. A token issued
    before that time is stale.

    Kept for `horizon` seconds (longer than any access token lives) and at most `size` keys, oldest out first; a
    gateway started after an event did not hear it, and the token's own expiry then bounds the harm (the subgraphs
    refuse its requests either way)."""

    def __init__(self, horizon: float = 86_400.0, size: int = 100_000) -> None:
        self.horizon = horizon
        self.size = size
        self._at: dict[str, tuple[float, CloseCode, str]] = {}

    def record(self, event: SecurityEvent) -> None:
        at = event.occurred_at.timestamp()
        cutoff = time.time() - self.horizon
        if at < cutoff:
            return  # older than any token still alive: nothing it revoked can still be shown
        code, reason = close_for(event)
        for key in revoked_keys(event):
            earlier = self._at.pop(key, None)  # re-inserted: the dict stays in order of revocation
            self._at[key] = earlier if earlier is not None and earlier[0] > at else (at, code, reason)
        while self._at and (len(self._at) > self.size or next(iter(self._at.values()))[0] < cutoff):
            del self._at[next(iter(self._at))]

    def stale(self, claims: Mapping[str, Any], issued_at: float) -> tuple[CloseCode, str] | None:
        """How to refuse a token issued at `issued_at` with `claims`, when an event made it stale."""
        for key in keys_of(claims):
            revoked = self._at.get(key)
            if revoked is not None and issued_at < revoked[0]:
                return revoked[1], revoked[2]
        return None

    def __len__(self) -> int:
        return len(self._at)


def amqp_listener(url: str, exchange: str) -> Listen:
    """Security events from RabbitMQ: an exclusive, auto-deleted queue of this gateway's own."""

    @asynccontextmanager
    async def listen(patterns: tuple[str, ...]) -> AsyncIterator[AsyncIterator[Any]]:
        connection = await aio_pika.connect_robust(url)
        try:
            channel = await connection.channel()
            topic = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
            queue = await channel.declare_queue(exclusive=True, auto_delete=True)
            for pattern in patterns:
                await queue.bind(topic, routing_key=pattern)

            async def events() -> AsyncIterator[Any]:
                async with queue.iterator(no_ack=True) as messages:
                    async for message in messages:
                        with contextlib.suppress(Exception):  # a malformed event closes nothing
                            yield PublishedEvent.from_json(message.body)

            yield events()
        finally:
            await connection.close()

    return listen


async def watch(listen: Listen, connections: Connections, ready: asyncio.Event | None = None,
                revocations: Revocations | None = None) -> None:
    """Apply every security event to the open sockets (and remember it for new ones), for as long as the gateway
    runs."""
    while True:
        try:
            async with listen(PATTERNS) as events:
                if ready is not None:
                    ready.set()
                async for event in events:
                    if revocations is not None:
                        revocations.record(event)
                    closed = close_stale(connections, event)
                    if closed:
                        log.info("closed %d socket(s) after %s", closed, event.type)
        except asyncio.CancelledError:
            raise
        except Exception:  # the broker went away: listen again once it is back
            log.warning("security events unavailable; retrying", exc_info=True)
            await asyncio.sleep(1.0)
