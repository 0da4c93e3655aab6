"""GraphQL over HTTP to subgraphs, on pooled keep-alive connections (aiohttp)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson

from supergraph.errors import ErrorCode
from supergraph.transport.base import SubgraphError, SubgraphRequest
from supergraph.transport.uploads import UploadedFile, files_in, without_files

_JSON_HEADERS = {"content-type": "application/json", "accept": "application/json"}
log = logging.getLogger(__name__)


def new_session(pool_size: int = 256) -> aiohttp.ClientSession:
    """One session per gateway: its connector keeps connections alive across requests."""
    connector = aiohttp.TCPConnector(limit=pool_size, limit_per_host=0, keepalive_timeout=60, ttl_dns_cache=300)
    return aiohttp.ClientSession(
        connector=connector, json_serialize=lambda v: orjson.dumps(v).decode(), auto_decompress=True
    )


class HttpSubgraphClient:
    """Posts JSON to one subgraph URL with a per-request timeout."""

    def __init__(self, name: str, url: str, session: aiohttp.ClientSession, timeout: float) -> None:
        self.name = name
        self.url = url
        self.session = session
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._in_flight: dict[tuple, asyncio.Future[tuple[int, bytes]]] = {}

    async def execute(self, request: SubgraphRequest) -> dict[str, Any]:
        files = files_in(request.variables) if request.variables else []
        if files:  # a client's upload for a field of this subgraph: passed on as a multipart request of its own
            status, raw = await self._post_files(request, files)
            return _decode(self.name, status, raw)
        body: dict[str, Any] = {"query": request.query}
        if request.variables:
            body["variables"] = request.variables
        if request.operation_name:
            body["operationName"] = request.operation_name
        payload = orjson.dumps(body)
        if not request.shareable:
            status, raw = await self._post(payload, request.headers)
            return _decode(self.name, status, raw)
        # each caller decodes its own copy: merging mutates the decoded objects
        key = (payload, request.headers.get("authorization"))
        pending = self._in_flight.get(key)
        if pending is None:
            pending = self._in_flight[key] = asyncio.ensure_future(self._post(payload, request.headers))
            pending.add_done_callback(lambda _: self._in_flight.pop(key, None))
        status, raw = await asyncio.shield(pending)
        return _decode(self.name, status, raw)

    async def _post(self, payload: Any, headers: Mapping[str, str], *, json: bool = True) -> tuple[int, bytes]:
        """POST `payload` (JSON bytes, or a multipart writer with `json=False`); the status and the body."""
        sent = {**_JSON_HEADERS, **headers} if json else headers
        try:
            async with self.session.post(self.url, data=payload, headers=sent, timeout=self.timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise SubgraphError(self.name, f"subgraph '{self.name}' timed out", ErrorCode.SUBGRAPH_TIMEOUT) from error
        except aiohttp.ClientError as error:
            raise SubgraphError(self.name, f"subgraph '{self.name}' is unreachable: {error}") from error

    async def _post_files(self, request: SubgraphRequest, files: list[tuple[tuple[str, ...], UploadedFile]]
                          ) -> tuple[int, bytes]:
        """The GraphQL multipart request spec to the subgraph: `operations`, `map`, then each file streamed from
        the disk in chunks (never whole in memory)."""
        operations: dict[str, Any] = {"query": request.query, "variables": without_files(request.variables)}
        if request.operation_name:
            operations["operationName"] = request.operation_name
        mapping = {str(n): ["variables." + ".".join(path)] for n, (path, _) in enumerate(files)}
        headers = {**{k: v for k, v in request.headers.items() if k.lower() != "content-type"},
                   "accept": "application/json", "apollo-require-preflight": "true"}
        with contextlib.ExitStack() as opened:
            writer = aiohttp.MultipartWriter("form-data")
            writer.append(orjson.dumps(operations), {"Content-Type": "application/json"}).set_content_disposition(
                "form-data", name="operations")
            writer.append(orjson.dumps(mapping), {"Content-Type": "application/json"}).set_content_disposition(
                "form-data", name="map")
            for n, (_, upload) in enumerate(files):
                handle = opened.enter_context(open(upload.path, "rb"))
                part = writer.append(handle, {"Content-Type": upload.content_type})
                part.set_content_disposition("form-data", name=str(n), filename=upload.filename or f"file{n}")
            return await self._post(writer, headers, json=False)  # aiohttp sets the form's content type

    def subscribe(self, request: SubgraphRequest) -> AsyncIterator[dict[str, Any]]:
        raise NotImplementedError("subscriptions to subgraphs use the graphql-transport-ws client")

    async def close(self) -> None:
        """The session is shared and closed by its owner."""


def _decode(name: str, status: int, raw: bytes) -> dict[str, Any]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise SubgraphError(name, f"subgraph '{name}' answered HTTP {status} without JSON") from error
    if not isinstance(body, dict) or ("data" not in body and "errors" not in body):
        raise SubgraphError(name, f"subgraph '{name}' answered HTTP {status} without a GraphQL result")
    return body


class InProcessSubgraphClient(HttpSubgraphClient):
    """A subgraph whose ASGI app runs in the gateway's own process (`aurontek up`): its queries and mutations call the
    app directly with the request the network would have carried, skipping the sockets, the HTTP parsing on both
    ends and the HTTP client, which cost the one shared event loop about a tenth of its time. Each call runs in a
    task of its own with an empty context, as a separate server would (nothing of the gateway's context leaks in or
    back). An app that raises answers HTTP 500 without a body, as its server would. Uploads go over HTTP: the
    subgraph keeps listening."""

    def __init__(self, name: str, url: str, session: aiohttp.ClientSession, timeout: float, app: Any) -> None:
        super().__init__(name, url, session, timeout)
        self.app = app
        parsed = urlsplit(url)
        self._path = parsed.path or "/"
        self._host = (parsed.netloc or "localhost").encode("latin-1")
        self._server = (parsed.hostname or "localhost", parsed.port or 80)

    async def _post(self, payload: Any, headers: Mapping[str, str], *, json: bool = True) -> tuple[int, bytes]:
        if not json:  # a multipart writer: streamed to the subgraph's server
            return await super()._post(payload, headers, json=False)
        sent = {**_JSON_HEADERS, **headers}
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": self._path, "raw_path": self._path.encode("latin-1"), "query_string": b"", "root_path": "",
            "client": ("127.0.0.1", 0), "server": self._server,
            "headers": [(b"host", self._host), (b"content-length", str(len(payload)).encode("latin-1")),
                        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in sent.items()
                          if k.lower() not in ("host", "content-length"))],
        }
        answer = _Answer(payload)
        call = asyncio.create_task(self._call(scope, answer), context=contextvars.Context())
        try:
            async with asyncio.timeout(self.timeout.total):
                await call  # cancelled with this request, or at the timeout
        except TimeoutError as error:
            raise SubgraphError(self.name, f"subgraph '{self.name}' timed out", ErrorCode.SUBGRAPH_TIMEOUT) from error
        return answer.status, b"".join(answer.body)

    async def _call(self, scope: dict[str, Any], answer: _Answer) -> None:
        try:
            await self.app(scope, answer.receive, answer.send)
        except Exception:
            log.exception("subgraph '%s' failed a request in process", self.name)
            answer.status, answer.body = 500, []
        finally:
            answer.done.set()


class _Answer:
    """One in-process request's ASGI channel: its body handed over once, then a disconnect once answered; the
    answer's status and body as sent."""

    def __init__(self, payload: bytes) -> None:
        self.payload: bytes | None = payload
        self.status = 500
        self.body: list[bytes] = []
        self.done = asyncio.Event()

    async def receive(self) -> dict[str, Any]:
        if self.payload is not None:
            payload, self.payload = self.payload, None
            return {"type": "http.request", "body": payload, "more_body": False}
        await self.done.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Mapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body.append(message.get("body", b""))
            if not message.get("more_body", False):
                self.done.set()
