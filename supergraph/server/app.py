"""The gateway's ASGI application: `/graphql` (POST, GET, WebSocket speaking `graphql-transport-ws`,
and GraphiQL for a browser), GraphiQL's files under `/graphiql/`, signed file links under `/files/`,
`/health`, and the web app: its files under `/assets/` and its page for a browser's every other path."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import orjson

from supergraph.errors import ErrorCode, graphql_error
from supergraph.pipeline.types import GraphQLRequest, GraphQLResponse, RequestError
from supergraph.server import cors, files
from supergraph.server.graphiql import ASSET_PREFIX, GraphiQL, wants_page
from supergraph.server.http import (
    body_chunks,
    check_csrf,
    forwarded_headers,
    from_json_body,
    from_query_string,
    headers_of,
)
from supergraph.server.incremental import serve_parts, wants_parts
from supergraph.server.runtime import GatewayRuntime
from supergraph.server.streams import negotiate, serve_stream
from supergraph.server.uploads import UploadLimits, discard, read_form
from supergraph.server.webapp import ASSETS as APP_ASSETS
from supergraph.server.webapp import WebApp, wants_app_page
from supergraph.server.websocket import serve_websocket
from supergraph.transport.uploads import UploadedFile
from telemetry import metrics, tracing

log = logging.getLogger("supergraph.server")

Scope = dict[str, Any]


class GatewayApp:
    """Raw ASGI: fewer layers per request than a framework, and the same path upgrades to
    WebSocket for subscriptions."""

    def __init__(self, runtime: GatewayRuntime) -> None:
        self.runtime = runtime
        settings = runtime.settings
        self.graphiql = GraphiQL(settings.graphiql_assets) if settings.graphiql_on else None
        self.webapp = WebApp(settings.web_dir) if settings.web else None
        self.cors = cors.CorsPolicy.parse(settings.cors_origins)

    async def __call__(self, scope: Scope, receive, send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "websocket":
            await self.websocket(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(receive, send)

    async def lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.runtime.start()
                except Exception as error:  # report, so the server exits instead of hanging
                    log.exception("gateway failed to start")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                if self.graphiql is not None:
                    self.graphiql.report()
                if self.webapp is not None:
                    self.webapp.report()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.runtime.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def websocket(self, scope: Scope, receive, send) -> None:
        """Subscriptions, queries and mutations over graphql-transport-ws; a page of an origin not allowed has its
        handshake refused (HTTP 403) before the socket opens."""
        if self.cors.verdict(scope) == "refused":
            await receive()  # websocket.connect
            metrics.child(metrics.GATEWAY_HTTP, "4xx").inc()
            await send({"type": "websocket.close", "code": 1008})
            return
        await serve_websocket(scope, receive, send, self.runtime)

    async def http(self, scope: Scope, receive, send) -> None:
        path = scope["path"]
        if path == "/health":
            await self._health(send)
        elif path == "/metrics" and metrics.on_main_port():  # else 404, or on METRICS_LISTEN only
            body, content_type = metrics.exposition()
            await _send(send, 200, [(b"content-type", content_type.encode())], body)
        elif path == "/graphql" and (verdict := self.cors.verdict(scope)) not in ("none", "same"):
            await self._cross_origin(scope, receive, send, verdict)
        elif path == "/graphql" and self._wants_graphiql(scope):
            await _send(send, *self.graphiql.page())  # type: ignore[union-attr]
        elif path == "/graphql":
            await self._graphql(scope, receive, send)
        elif path.startswith(files.PREFIX):
            await self._file(scope, send)
        elif path.startswith(ASSET_PREFIX) and self.graphiql is not None:
            await _send(send, *self.graphiql.asset(path[len(ASSET_PREFIX):]))
        elif path == "/favicon.ico":  # asked for by every browser tab; none, rather than a 404
            await _send(send, 204, [], b"")
        elif self.webapp is not None and path.startswith(APP_ASSETS):
            await _send(send, *self.webapp.asset(path))
        elif self.webapp is not None and wants_app_page(scope["method"], headers_of(scope).get("accept", "")):
            await _send(send, *self.webapp.page())
        else:
            await _send_json(send, 404, {"errors": [{"message": "Not found"}]})

    async def _cross_origin(self, scope: Scope, receive, send, verdict: str) -> None:
        """A page of another origin: refused unless listed; a listed one's preflight answered, its requests served
        with the CORS headers."""
        origin = headers_of(scope)["origin"]
        if verdict == "refused":
            metrics.child(metrics.GATEWAY_HTTP, "4xx").inc()
            refusal = f"Pages of {origin[:200]} may not call this API (GATEWAY_CORS_ORIGINS)."
            await _send_json(send, 403, {"errors": [graphql_error(refusal, ErrorCode.ORIGIN_NOT_ALLOWED)]})
        elif scope["method"] == "OPTIONS":
            await _send(send, 204, cors.preflight_headers(origin), b"")
        else:
            await self._graphql(scope, receive, cors.allowing(send, origin))

    async def _file(self, scope: Scope, send) -> None:
        gateway, session = self.runtime.gateway, self.runtime.session
        if gateway is None or session is None:
            await _send_json(send, 503, {"errors": [{"message": "The gateway has no supergraph yet."}]})
            return
        await files.relay_file(scope, send, session, gateway.supergraph.subgraph_urls(),
                               self.runtime.settings.subgraph_timeout)

    def _wants_graphiql(self, scope: Scope) -> bool:
        """Only a browser's page request; every other GET keeps the CSRF rule."""
        return self.graphiql is not None and wants_page(scope["method"], headers_of(scope),
                                                        scope.get("query_string", b""))

    async def _health(self, send) -> None:
        ready = self.runtime.gateway is not None
        body = {"status": "ok" if ready else "starting", "supergraph": ready}
        await _send_json(send, 200, body)

    async def _graphql(self, scope: Scope, receive, send) -> None:
        if not tracing.enabled():
            await self._serve_graphql(scope, receive, send)
            return
        # the web app's `traceparent` is continued: its request and ours are one trace
        incoming = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
                    if key in (b"traceparent", b"tracestate")}
        with tracing.span("gateway", f"{scope['method']} /graphql", kind=tracing.SpanKind.SERVER,
                          parent=tracing.extract(incoming), attributes={"http.route": "/graphql"}):
            await self._serve_graphql(scope, receive, send)

    async def _serve_graphql(self, scope: Scope, receive, send) -> None:
        headers = headers_of(scope)
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        extra = [(b"x-request-id", request_id.encode("latin-1"))]
        files: list[UploadedFile] = []  # a multipart request's files, on disk until it is answered
        try:
            request = await self._decode(scope, receive, headers, files)
        except RequestError as error:
            metrics.child(metrics.GATEWAY_HTTP, metrics.status_class(error.status)).inc()
            await _send_json(send, error.status, {"errors": error.as_errors()}, extra)
            return
        try:
            await self._answer(scope, receive, send, headers, request, extra)
        finally:
            discard(files)

    async def _answer(self, scope: Scope, receive, send, headers: dict[str, str], request: GraphQLRequest,
                      extra: list) -> None:
        request_id = extra[0][1].decode("latin-1")
        peer = scope.get("client")
        request.headers = forwarded_headers(headers, request_id, peer=peer[0] if peer else None,
                                            trusted_proxies=self.runtime.settings.trusted_proxy_list())
        protocol = negotiate(headers.get("accept", ""))
        if protocol is not None:  # a subscription over HTTP: graphql-sse or Apollo's multipart
            await serve_stream(self.runtime, protocol, request, receive, send)
            return
        if wants_parts(headers.get("accept", "")) and await self._parts(request, send, extra):
            metrics.child(metrics.GATEWAY_HTTP, metrics.status_class(200)).inc()
            return
        response = await self._execute(request)
        metrics.child(metrics.GATEWAY_HTTP, metrics.status_class(response.status)).inc()
        await _send_json(send, response.status, response.body, extra)

    async def _decode(self, scope: Scope, receive, headers: dict[str, str], files: list[UploadedFile]
                      ) -> GraphQLRequest:
        method = scope["method"]
        if method not in ("GET", "POST"):
            raise RequestError("Use GET or POST for /graphql.", ErrorCode.METHOD_NOT_ALLOWED, 405)
        if self.runtime.settings.csrf_prevention:
            check_csrf(method, headers)
        if method == "GET":
            return from_query_string(scope.get("query_string", b""))
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        settings = self.runtime.settings
        if content_type == "multipart/form-data" and settings.uploads:  # files sent as files (past the CSRF check)
            limits = UploadLimits(settings.upload_max_bytes, settings.upload_max_files, settings.max_body_bytes)
            request, uploaded = await read_form(receive, headers.get("content-type", ""), limits)
            files.extend(uploaded)
            return request
        body = await _read_body(receive, headers, self.runtime.settings.max_body_bytes)
        if content_type not in ("application/json", "application/graphql-response+json", ""):
            if content_type != "application/graphql":
                raise RequestError("POST bodies must be application/json.", ErrorCode.UNSUPPORTED_MEDIA_TYPE, 415)
            return GraphQLRequest(query=body.decode("utf-8", "replace"))
        return from_json_body(body)

    async def _parts(self, request: GraphQLRequest, send, extra: list) -> bool:
        """A query deferring fragments, answered in parts; False when the request is anything else (a refused one
        too: `_execute` answers it)."""
        gateway = self.runtime.gateway
        if gateway is None:
            return False
        try:
            self.runtime.documents.resolve(request)
        except RequestError:
            return False
        return await serve_parts(gateway, request, send, extra)

    async def _execute(self, request: GraphQLRequest) -> GraphQLResponse:
        gateway = self.runtime.gateway
        if gateway is None:
            error = graphql_error("The gateway has no supergraph yet.", ErrorCode.SUPERGRAPH_UNAVAILABLE)
            return GraphQLResponse({"errors": [error]}, 503)
        try:
            self.runtime.documents.resolve(request)
        except RequestError as refused:  # an id the gateway does not serve, or text it does not run
            return GraphQLResponse({"errors": refused.as_errors()}, refused.status)
        try:
            return await gateway.handle(request)
        except Exception:  # never a bare 500: the client gets a GraphQL error
            log.exception("unexpected failure executing an operation")  # once, with the trace id the client gets
            error = graphql_error("Internal gateway error.", ErrorCode.INTERNAL_SERVER_ERROR)
            ids = tracing.log_ids()
            if ids is not None:
                error["extensions"]["traceId"] = ids[0]
            return GraphQLResponse({"data": None, "errors": [error]}, 200)


async def _read_body(receive, headers: dict[str, str], limit: int) -> bytes:
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise RequestError(f"The request body exceeds {limit} bytes.", ErrorCode.PAYLOAD_TOO_LARGE, 413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in body_chunks(receive):
        size += len(chunk)
        if size > limit:
            raise RequestError(f"The request body exceeds {limit} bytes.", ErrorCode.PAYLOAD_TOO_LARGE, 413)
        chunks.append(chunk)
    return b"".join(chunks)


async def _send(send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_json(send, status: int, body: dict, extra: list | None = None) -> None:
    payload = orjson.dumps(body)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        *(extra or ()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


__all__ = ["GatewayApp"]
