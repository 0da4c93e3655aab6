"""Deferred fragments over HTTP: a query with `@defer` answered in parts, as `multipart/mixed` (deferSpec=20220824).

Asked for by `Accept: multipart/mixed;deferSpec=20220824` (what Apollo Client's HttpLink sends for a query with
`@defer`). The first part is the response without the deferred fragments (`hasNext: true`), sent as soon as the
fetches it needs are done; the next carries each deferred fragment where it applies (`incremental`), then the closing
boundary. A client that asks for JSON alone gets one response with everything, as for any query.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import orjson

from supergraph.errors import ErrorCode, graphql_error
from supergraph.pipeline.types import GraphQLRequest
from supergraph.server.streams import CLOSING, OPENING, part

if TYPE_CHECKING:
    from supergraph.gateway import Gateway

log = logging.getLogger(__name__)
CONTENT_TYPE = b'multipart/mixed;boundary="graphql";deferSpec=20220824'


def wants_parts(accept: str) -> bool:
    """The client reads a multipart response (and did not ask for a subscription's)."""
    return any(part.strip().lower().startswith("multipart/mixed") and "subscriptionspec" not in part.lower()
               for part in accept.split(","))


async def serve_parts(gateway: Gateway, request: GraphQLRequest, send: Any, extra: list[tuple[bytes, bytes]]
                      ) -> bool:
    """Answer `request` in parts when it defers fragments; False (nothing sent) when it does not."""
    deferred = gateway.deferred(request)
    if deferred is None:
        return False
    prepared, variables = deferred
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", CONTENT_TYPE), (b"cache-control", b"no-cache"),
                            (b"x-accel-buffering", b"no"), *extra]})
    first = True
    try:
        async for payload in gateway.parts(request, prepared, variables):
            await send({"type": "http.response.body", "body": _framed(payload, first), "more_body": True})
            first = False
    except Exception:  # the parts already sent stand; the client is told the rest failed, never left hanging
        log.exception("a deferred query failed between its parts")
        error = graphql_error("Internal gateway error.", ErrorCode.INTERNAL_SERVER_ERROR)
        ended = {"hasNext": False, "errors": [error]} if not first else {"data": None, "errors": [error]}
        await send({"type": "http.response.body", "body": _framed(ended, first), "more_body": True})
    await send({"type": "http.response.body", "body": CLOSING, "more_body": False})
    return True


def _framed(payload: dict[str, Any], first: bool) -> bytes:
    return (OPENING if first else b"") + part(orjson.dumps(payload))
