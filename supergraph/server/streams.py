"""Subscriptions over HTTP, where a WebSocket cannot go: one streamed response per subscription.

Chosen by the request's `Accept` on `POST /graphql` (or `GET` with the query in the URL):

- `text/event-stream`: graphql-sse's distinct connections mode (Server-Sent Events): `event: next` with each result
  as `data`, then `event: complete`; a comment line (`:`) every `GATEWAY_STREAM_HEARTBEAT` seconds keeps proxies
  from closing an idle stream. A query or mutation asked this way is one `next`, then `complete`.
- `multipart/mixed` with `subscriptionSpec`: Apollo's multipart subscription protocol (what Apollo Client's
  HttpLink asks for a subscription): each result a JSON part `{"payload": result}`, a `{}` part as heartbeat, and
  a failure of the stream itself `{"payload": null, "errors": [...]}` before the closing boundary.

The same rules as the WebSocket path: the access token is verified before anything starts (refused: 401 or 403,
with the same codes), the stream counts against `GATEWAY_WS_MAX_CONNECTIONS`, it ends when the token expires or a
security event makes it stale (logout, deactivation...), on shutdown, and when the client goes away; identical
subscriptions share one upstream feed (`Gateway.subscribe`). A client that does not read its stream is dropped
once `GATEWAY_WS_SEND_QUEUE` results wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from typing import TYPE_CHECKING, Any

import orjson

from identity import KeysUnavailable
from supergraph.auth.tokens import Caller, Refused, Unauthenticated
from supergraph.errors import ErrorCode, graphql_error
from supergraph.graphql_ws.close_codes import CloseCode
from supergraph.pipeline.types import GraphQLRequest, RequestError
from supergraph.server.websocket.operations import errors_of

if TYPE_CHECKING:
    from supergraph.server.runtime import GatewayRuntime

UNAUTHENTICATED, FORBIDDEN = "UNAUTHENTICATED", "FORBIDDEN"  # as the subgraphs and the socket's refusals say
SSE = "sse"
MULTIPART = "multipart"
_BOUNDARY = b"\r\n--graphql"
_PART_HEAD = b"\r\ncontent-type: application/json; charset=utf-8\r\n\r\n"
OPENING, CLOSING = _BOUNDARY, b"--\r\n"  # of a multipart/mixed body with the boundary `graphql`


def part(body: bytes) -> bytes:
    """One JSON part of a multipart/mixed body (after its opening boundary), with the boundary that ends it."""
    return _PART_HEAD + body + _BOUNDARY


def negotiate(accept: str) -> str | None:
    """Which streamed protocol `accept` asks for, if any (SSE first when both are offered)."""
    offered = [part.strip().lower() for part in accept.split(",")]
    if any(part.startswith("text/event-stream") for part in offered):
        return SSE
    if any(part.startswith("multipart/mixed") and "subscriptionspec" in part for part in offered):
        return MULTIPART
    return None


class Framing:
    """How results, errors and heartbeats are written for one protocol."""

    def __init__(self, protocol: str) -> None:
        self.protocol = protocol

    @property
    def content_type(self) -> bytes:
        if self.protocol == SSE:
            return b"text/event-stream; charset=utf-8"
        return b'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"'

    @property
    def opening(self) -> bytes:
        return b"" if self.protocol == SSE else OPENING

    def result(self, body: str) -> bytes:
        if self.protocol == SSE:
            return b"event: next\ndata: " + body.encode() + b"\n\n"
        return part(b'{"payload":' + body.encode() + b"}")

    def failure(self, errors: list[dict[str, Any]]) -> bytes:
        if self.protocol == SSE:  # an execution result of errors alone, as graphql-sse reads a failure
            return self.result(orjson.dumps({"errors": errors}).decode())
        return part(orjson.dumps({"payload": None, "errors": errors}))

    @property
    def heartbeat(self) -> bytes:
        return b":\n\n" if self.protocol == SSE else part(b"{}")

    @property
    def closing(self) -> bytes:
        return b"event: complete\ndata: \n\n" if self.protocol == SSE else CLOSING


class Stream:
    """One subscription's streamed response: the gateway's sink for its results, and, like a socket, an entry of
    the runtime's open connections (counted, closed on shutdown or when a security event makes its token stale)."""

    def __init__(self, framing: Framing, caller: Caller, limit: int) -> None:
        self.framing = framing
        self.caller: Caller | None = caller
        self.operations: dict[str, Stream] = {"stream": self}  # one subscription (for the registry's count)
        self._frames: deque[bytes] = deque()
        self._limit = limit
        self._wake = asyncio.Event()
        self._ended = False
        self.listening: Any = None

    # the gateway's sink
    def push(self, payload: str) -> None:
        if self._ended:
            return
        if len(self._frames) >= self._limit:
            message = "The client did not read its stream: it was dropped."
            self.end_with([graphql_error(message, ErrorCode.SUBSCRIPTION_BACKLOG)])
            return
        self._frames.append(self.framing.result(payload))
        self._wake.set()

    def end(self, error: BaseException | None) -> None:
        self.end_with(None if error is None else errors_of(error))

    def end_with(self, errors: list[dict[str, Any]] | None) -> None:
        if self._ended:
            return
        self._ended = True
        if errors is not None:
            self._frames.append(self.framing.failure(errors))
        self._wake.set()

    # what the open connections' registry asks of its entries
    def close_soon(self, code: CloseCode, reason: str) -> None:
        code_name = UNAUTHENTICATED if code in (CloseCode.TOKEN_EXPIRED, CloseCode.UNAUTHORIZED) \
            else FORBIDDEN
        self.end_with([graphql_error(reason, code_name)])

    async def close(self, code: CloseCode, reason: str, **_: Any) -> None:
        self.close_soon(code, reason)

    async def frames(self, heartbeat: float) -> Any:
        """The frames to write, as they come; a heartbeat after each quiet `heartbeat` seconds."""
        while True:
            while self._frames:
                yield self._frames.popleft()
            if self._ended:
                return
            self._wake.clear()
            try:
                async with asyncio.timeout(heartbeat):  # not wait_for, which can swallow a cancellation on 3.11
                    await self._wake.wait()
            except TimeoutError:
                yield self.framing.heartbeat


async def serve_stream(runtime: GatewayRuntime, protocol: str, request: GraphQLRequest, receive: Any, send: Any
                       ) -> None:
    """Answer `request` as a stream in `protocol` (the request is decoded; documents are not yet resolved)."""
    framing = Framing(protocol)
    gateway = runtime.gateway
    if gateway is None:
        await _refuse(send, 503, graphql_error("The gateway has no supergraph yet.", ErrorCode.SUPERGRAPH_UNAVAILABLE))
        return
    try:
        runtime.documents.resolve(request)
        prepared = gateway.prepare(request.query, request.operation_name)
    except RequestError as error:
        await _refuse(send, error.status, *error.as_errors())
        return
    if prepared.operation.kind != "subscription":
        if protocol != SSE:
            await _refuse(send, 400, graphql_error("Only subscriptions stream as multipart here.",
                                                   ErrorCode.BAD_REQUEST))
            return
        response = await gateway.handle(request, prepared)  # one `next`, then `complete`
        await _start(send, framing)
        await _write(send, framing.result(orjson.dumps(response.body).decode()) + framing.closing, more=False)
        return
    refusal = runtime.connections.refusal()
    if refusal is not None:
        await _refuse(send, 503, graphql_error(refusal[1], ErrorCode.TOO_MANY_SUBSCRIPTIONS))
        return
    caller = await _verify(runtime, request, send)
    if caller is None:
        return
    request.headers["authorization"] = caller.authorization
    settings = runtime.settings
    stream = Stream(framing, caller, settings.ws_send_queue)
    try:
        stream.listening = gateway.subscribe(request, stream, prepared)
    except RequestError as error:
        await _refuse(send, error.status, *error.as_errors())
        return
    runtime.connections.add(stream)  # type: ignore[arg-type]  # a stream answers what the registry asks of a socket
    expiry = asyncio.get_running_loop().call_later(
        max(0.0, caller.valid_until - time.time()), stream.close_soon, CloseCode.TOKEN_EXPIRED,
        "Token expired: refresh it and subscribe again")
    gone = asyncio.ensure_future(_disconnected(receive))
    gone.add_done_callback(lambda _: stream.end_with(None))
    try:
        await _start(send, framing)
        await _write(send, framing.opening)
        async for frame in stream.frames(settings.stream_heartbeat):
            if gone.done():
                break
            await _write(send, frame)
        if not gone.done():
            await _write(send, framing.closing, more=False)
    except OSError:
        pass  # the client went away mid-write
    finally:
        expiry.cancel()
        gone.cancel()
        runtime.connections.discard(stream)  # type: ignore[arg-type]
        if stream.listening is not None:
            stream.listening.close()


async def _verify(runtime: GatewayRuntime, request: GraphQLRequest, send: Any) -> Caller | None:
    verifier = runtime.verifier
    assert verifier is not None, "the runtime verifies tokens once started"
    try:
        caller = await verifier.verify(request.headers.get("authorization"))
    except Unauthenticated as error:
        await _refuse(send, 401, graphql_error(f"Unauthorized: {error}", UNAUTHENTICATED))
    except Refused as error:
        await _refuse(send, 403, graphql_error(f"Forbidden: {error}", FORBIDDEN))
    except KeysUnavailable:
        await _refuse(send, 503, graphql_error("Try again later: the signing keys are unavailable",
                                               UNAUTHENTICATED))
    else:
        stale = runtime.revocations.stale(caller.claims, caller.issued_at)
        if stale is None:
            return caller
        ended = stale[0] == CloseCode.FORBIDDEN  # the session ended, or the token is only stale (refresh it)
        await _refuse(send, 403 if ended else 401, graphql_error(stale[1], FORBIDDEN if ended else UNAUTHENTICATED))
    return None


async def _disconnected(receive: Any) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _start(send: Any, framing: Framing) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", framing.content_type), (b"cache-control", b"no-cache"),
        (b"x-accel-buffering", b"no")]})  # a proxy (nginx) must pass each frame on at once


async def _write(send: Any, data: bytes, *, more: bool = True) -> None:
    await send({"type": "http.response.body", "body": data, "more_body": more})


async def _refuse(send: Any, status: int, *errors: dict[str, Any]) -> None:
    body = orjson.dumps({"errors": list(errors)})
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8")]})
    with contextlib.suppress(OSError):
        await send({"type": "http.response.body", "body": body})
