"""Decoding GraphQL-over-HTTP requests: body limit, CSRF check, GET parameters, JSON bodies."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import orjson

from supergraph.errors import ErrorCode
from supergraph.pipeline.types import GraphQLRequest, RequestError

# a browser cannot send these cross-site without a CORS preflight, which we never grant
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name", "graphql-require-preflight")
# Passed on as they are: who the caller is, and what they run (sessions record the agent).
_FORWARDED = ("authorization", "user-agent", "accept-language")


def headers_of(scope: dict[str, Any]) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}


def check_csrf(method: str, headers: dict[str, str]) -> None:
    """A GET or a POST that is not JSON must carry a custom header (no CORS-simple request)."""
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if method == "POST" and content_type in ("application/json", "application/graphql-response+json"):
        return
    if any(headers.get(name) for name in PREFLIGHT_HEADERS):
        return
    raise RequestError(
        "This request has been blocked as a potential Cross-Site Request Forgery (CSRF). "
        "Send it as POST with Content-Type: application/json, or add a non-empty "
        "`apollo-require-preflight` (or `x-apollo-operation-name`, `graphql-require-preflight`) header.",
        ErrorCode.CSRF_BLOCKED,
        status=400,
    )


async def body_chunks(receive: Callable[[], Awaitable[dict[str, Any]]]) -> AsyncIterator[bytes]:
    """A request body's chunks as the ASGI server hands them over; `BAD_REQUEST` when the client goes away."""
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise RequestError("The client went away.", ErrorCode.BAD_REQUEST)
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        more = message.get("more_body", False)


def from_query_string(query_string: bytes) -> GraphQLRequest:
    params = {k: v[0] for k, v in parse_qs(query_string.decode("latin-1")).items()}
    return GraphQLRequest(
        query=params.get("query"),
        operation_name=params.get("operationName") or None,
        variables=_json_param(params.get("variables"), "variables"),
        extensions=_json_param(params.get("extensions"), "extensions"),
        method="GET",
        document_id=params.get("documentId"),
    )


def from_json_body(body: bytes) -> GraphQLRequest:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise RequestError(f"The request body is not valid JSON: {error}", ErrorCode.BAD_REQUEST) from error
    if not isinstance(payload, dict):
        raise RequestError("The request body must be a JSON object.", ErrorCode.BAD_REQUEST)
    query = payload.get("query")
    if query is not None and not isinstance(query, str):
        raise RequestError("`query` must be a string.", ErrorCode.BAD_REQUEST)
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError("`variables` must be an object.", ErrorCode.BAD_REQUEST)
    name = payload.get("operationName")
    return GraphQLRequest(
        query=query,
        operation_name=name if isinstance(name, str) and name else None,
        variables=variables,
        extensions=payload.get("extensions") if isinstance(payload.get("extensions"), dict) else None,
        method="POST",
        document_id=payload.get("documentId"),
    )


def _json_param(value: str | None, name: str) -> dict[str, Any] | None:
    if not value:
        return None
    try:
        decoded = orjson.loads(value)
    except orjson.JSONDecodeError as error:
        raise RequestError(f"`{name}` is not valid JSON.", ErrorCode.BAD_REQUEST) from error
    if decoded is not None and not isinstance(decoded, dict):
        raise RequestError(f"`{name}` must be a JSON object.", ErrorCode.BAD_REQUEST)
    return decoded


def forwarded_headers(
    headers: dict[str, str], request_id: str, *, peer: str | None = None, trusted_proxies: tuple[str, ...] = ()
) -> dict[str, str]:
    """The client headers subgraphs receive: `Authorization`, user agent, the request id, and
    `X-Forwarded-For` ending with the address the gateway saw, so per-source limits (the login
    lockout) count clients, not the gateway."""
    forwarded = {name: headers[name] for name in _FORWARDED if name in headers}
    forwarded["x-request-id"] = request_id
    if peer:
        chain = headers.get("x-forwarded-for") if is_trusted(peer, trusted_proxies) else None
        forwarded["x-forwarded-for"] = f"{chain}, {peer}" if chain else peer
    return forwarded


def is_trusted(address: str, networks: tuple[str, ...]) -> bool:
    """`address` is one of our own proxies (a listed address or network)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)
