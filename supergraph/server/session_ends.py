"""Sockets outlive no session: the users service's security events close the sockets they concern.

A WebSocket is authenticated once, at `connection_init`; left alone it would deliver until its access token
expires, up to 15 minutes after a logout. So the gateway listens to the same security events every subgraph
uses to refuse stale tokens (`subgraphs/kernel/auth/revocations.py`): for each event, every open socket whose
token it makes stale (same user, session, company or role, issued before the event) is closed at once, on every
gateway instance (each has its own exclusive queue on the broker, or the stack's in-process bus).

- session over (sign-out, revoked session, deactivated or deleted person, suspended or deleted company, password
  changed): 4403, which the client must not retry with the same credentials;
- powers changed (role or permissions, a role edited): 4419, the client refreshes its token and reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

from subgraphs.kernel.auth.revocations import PATTERNS, keys_of, revoked_keys
from subgraphs.kernel.events.envelope import Event
from supergraph.graphql_ws.close_codes import CloseCode

if TYPE_CHECKING:
    from supergraph.server.websocket.registry import Connections

log = logging.getLogger("supergraph.sessions")

# Events after which the person must sign in again; any other revoking event only asks for a fresh token.
ENDS_SESSION = frozenset({"user.signed_out", "user.session_revoked", "user.deactivated", "user.deleted",
                          "user.password_changed", "company.suspended", "company.deleted"})

Listen = Callable[[tuple[str, ...]], AbstractAsyncContextManager[AsyncIterator[Event]]]


def close_for(event: Event) -> tuple[CloseCode, str]:
    if event.type in ENDS_SESSION:
        return CloseCode.FORBIDDEN, f"Forbidden: the session ended ({event.type})"
    return CloseCode.TOKEN_EXPIRED, f"Token stale: refresh it and reconnect ({event.type})"


async def close_stale(connections: Connections, event: Event) -> int:
    """Close each open socket whose token `event` makes stale; how many were closed."""
    keys = set(revoked_keys(event))
    if not keys:
        return 0
    at = event.occurred_at.timestamp()
    code, reason = close_for(event)
    stale = [c for c in list(connections.open)
             if c.caller is not None and keys & set(keys_of(dict(c.caller.claims))) and c.caller.issued_at < at]
    for connection in stale:
        connection.close_soon(code, reason)
    return len(stale)


async def watch(listen: Listen, connections: Connections, ready: asyncio.Event | None = None) -> None:
    """Apply every security event to the open sockets, for as long as the gateway runs."""
    while True:
        try:
            async with listen(PATTERNS) as events:
                if ready is not None:
                    ready.set()
                async for event in events:
                    closed = await close_stale(connections, event)
                    if closed:
                        log.info("closed %d socket(s) after %s", closed, event.type)
        except asyncio.CancelledError:
            raise
        except Exception:  # the broker went away: listen again once it is back
            log.warning("security events unavailable; retrying", exc_info=True)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(1.0)
