"""GraphQL over HTTP to subgraphs, on pooled keep-alive connections (aiohttp)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import orjson

from supergraph.errors import ErrorCode
from supergraph.transport.base import SubgraphError, SubgraphRequest
from supergraph.transport.uploads import UploadedFile, files_in, without_files

_JSON_HEADERS = {"content-type": "application/json", "accept": "application/json"}


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
