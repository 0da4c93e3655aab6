"""The HTTP shell of a subgraph: /graphql, /health, /ready, local files (signed links only), a body-size limit and
a check that a JSON request body is an object of valid Unicode."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET, UnsetType

from subgraphs.kernel.files.serving import file_route
from subgraphs.kernel.graphql.context import RequestContext
from subgraphs.kernel.graphql.transport_ws import ListeningBarrierHandler
from subgraphs.kernel.ids import new_event_id
from subgraphs.kernel.logging import request_id_var
from subgraphs.kernel.runtime import Runtime
from subgraphs.kernel.storage import LocalStorage
from subgraphs.kernel.text import first_refusal
from telemetry import metrics, tracing

# Seconds a subgraph keeps an idle keep-alive connection: longer than the gateway's pool keeps one (60 s), so the
# gateway never sends a request on a connection the subgraph is closing (uvicorn's default is 5 s; the request then
# fails as "subgraph unreachable").
KEEP_ALIVE_SECONDS = 75
# Seconds a stopping subgraph waits for open requests and connections before it cancels them and runs its own
# shutdown (its background tasks stopped, its broker and database connections closed). Without a bound, one
# request that never finishes keeps a stopping service alive for ever (seen in the test suite: a stop that never
# returned, the service's tasks still running).
GRACEFUL_SHUTDOWN_SECONDS = 10
# How every subgraph server runs, whoever starts it (`aurontek serve`, `aurontek up`, the tests): uvicorn's own logging
# off (ours logs), the app's lifespan run, no proxy headers trusted blindly (`client_ip` decides), the two bounds above.
SERVER_OPTIONS: dict[str, Any] = {"log_config": None, "lifespan": "on", "proxy_headers": False,
                                  "timeout_keep_alive": KEEP_ALIVE_SECONDS,
                                  "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS}


def client_ip(peer: str | None, forwarded_for: str | None, trusted: list[str]) -> str:
    """The caller's address: the peer, unless the peer is a trusted proxy that says otherwise."""
    peer = peer or "unknown"
    if not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    # Walk X-Forwarded-For from the right: the first hop we do not trust is the client.
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def _is_trusted(address: str, trusted: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in trusted)


class SubgraphGraphQL(GraphQL[RequestContext, None]):
    graphql_transport_ws_handler_class = ListeningBarrierHandler  # a pong once earlier subscriptions listen

    def __init__(self, runtime: Runtime, schema: Any) -> None:
        # files sent as files (the GraphQL multipart request spec), as the gateway passes them on; a form post needs
        # a CSRF preflight header here too
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=True, multipart_uploads_enabled=True)
        self.runtime = runtime

    async def get_context(self, request: Request | WebSocket, response: Any) -> RequestContext:
        request_id = request.headers.get("x-request-id") or new_event_id()
        request_id_var.set(request_id)
        principal, auth_error = await self.runtime.authenticate(request.headers.get("authorization"))
        peer = request.client.host if request.client else None
        return RequestContext(
            runtime=self.runtime,
            request_id=request_id,
            client_ip=client_ip(peer, request.headers.get("x-forwarded-for"), self.runtime.settings.trusted_proxies),
            principal=principal,
            auth_error=auth_error,
            headers=dict(request.headers),
        )

    async def on_ws_connect(self, context: RequestContext) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: credentials come in `connection_init` (`authorization: Bearer ...`)."""
        params = context.connection_params or {}
        authorization = params.get("authorization") or params.get("Authorization")
        if not authorization:
            return UNSET  # maybe the upgrade request carried them; resolvers decide what needs a caller
        principal, error = await self.runtime.authenticate(str(authorization))
        if error is not None:
            raise ConnectionRejectionError({"code": error.code.value, "message": error.message})
        context.principal, context.auth_error = principal, None
        return UNSET


def body_refusal(body: bytes) -> tuple[str, str] | None:
    """Why a JSON request body is refused before GraphQL sees it, as (code, message); None to go on.

    Two things the GraphQL layer would turn into a 500: a body that is not an object, and a string holding a lone
    UTF-16 surrogate (`"\\ud800"`), which JSON's escapes can spell but which is no character, so nothing can store
    or print it. orjson refuses such strings where Python's json accepts them, which tells the two cases apart from
    plain malformed JSON (left to the GraphQL layer's own 400). And text no person types in any variable
    (`subgraphs.kernel.text`): control characters, or nothing but invisible ones."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            json.loads(body)
        except ValueError:
            return None
        return ("BAD_USER_INPUT", "Strings must be valid Unicode text: the request holds a lone UTF-16 surrogate "
                                  "(an escape such as \\ud800 without its pair), which is not a character.")
    if not isinstance(payload, dict):
        return "BAD_REQUEST", "The request body must be a JSON object (query, variables, operationName)."
    problem = first_refusal(payload.get("variables"), "variables")
    if problem:
        return "BAD_USER_INPUT", f"Refused text in {problem}."
    return None


def _is_json_post(scope: Scope) -> bool:
    content_type = dict(scope["headers"]).get(b"content-type", b"")
    return scope["method"] == "POST" and content_type.split(b";")[0].strip().lower() == b"application/json"


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, whether announced or streamed, and JSON bodies that are
    not an object or hold a lone surrogate with 400 (`body_refusal`).

    The body is read (up to the limit) before the app runs, so the app never sees a partial one.
    """

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int | None = None) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit or limit  # a multipart form: files sent as files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        limit = self.upload_limit if content_type == b"multipart/form-data" else self.limit
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        if tracing.enabled() and _is_json_post(scope):
            _name_span(b"".join(m.get("body", b"") for m in messages))
        if _is_json_post(scope) and (refusal := body_refusal(b"".join(m.get("body", b"") for m in messages))):
            code, text = refusal
            await JSONResponse({"errors": [{"message": text, "extensions": {"code": code}}]},
                               status_code=400)(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        body = {"errors": [{"message": f"request body over {limit} bytes",
                            "extensions": {"code": "PAYLOAD_TOO_LARGE"}}]}
        await JSONResponse(body, status_code=413)(scope, receive, send)


def _name_span(body: bytes) -> None:
    """The current request span takes the operation's name (what a trace view lists)."""
    try:
        name = orjson.loads(body).get("operationName")
    except (orjson.JSONDecodeError, AttributeError):
        return
    span = tracing.current_span()
    if isinstance(name, str) and name and span is not None:
        span.set_attribute("graphql.operation.name", name[:100])
        span.update_name(f"graphql {name[:100]}")


UNTRACED = frozenset({"/health", "/ready", "/metrics"})  # probes and scrapes: a trace each would drown the rest


class Traced:
    """Each HTTP request of a service in a span continuing the caller's `traceparent`."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracing.current_service.set(self.service)
        if scope["type"] != "http" or scope["path"] in UNTRACED:  # a WebSocket lives for hours: its events have spans
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
                   if key in (b"traceparent", b"tracestate")}
        name = f"{scope['method']} {scope['path']}"
        with tracing.span(self.service, name, kind=tracing.SpanKind.SERVER, parent=tracing.extract(headers),
                          attributes={"http.route": scope["path"]}):
            await self.app(scope, receive, send)


def create_app(runtime: Runtime) -> Starlette:
    schema = runtime.definition.build_schema()
    graphql = SubgraphGraphQL(runtime, schema)

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "service": runtime.name})

    async def ready(_: Request) -> Response:
        checks = await runtime.ready()
        ok = all(checks.values())
        body = {"status": "ready" if ok else "not ready", "checks": checks}
        return JSONResponse(body, status_code=200 if ok else 503)

    async def exposition(_: Request) -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    routes: list[Any] = [
        Route("/health", health),
        Route("/ready", ready),
        *([Route("/metrics", exposition)] if metrics.on_main_port() else []),  # else on METRICS_LISTEN, or off
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),  # subscriptions over graphql-transport-ws
    ]
    if isinstance(runtime.storage, LocalStorage):
        routes.append(Route("/files/{key:path}", file_route(runtime.storage), methods=["GET", "HEAD"]))
    if runtime.definition.routes is not None:
        routes.extend(runtime.definition.routes(runtime))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.runtime = runtime
    limited = BodyLimit(app, runtime.settings.max_body_bytes, runtime.settings.max_upload_bytes)
    if tracing.configure(runtime.name):
        return Traced(limited, runtime.name)  # type: ignore[return-value]
    return limited  # type: ignore[return-value]

