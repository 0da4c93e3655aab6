"""Fetch a running subgraph's SDL through the federation `_service { sdl }` query."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

SERVICE_QUERY = "{ _service { sdl } }"


class SubgraphFetchError(RuntimeError):
    """The subgraph did not answer with its SDL."""


async def fetch_subgraph_sdl(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
    client: httpx.AsyncClient | None = None,
) -> str:
    """`client`: one to reuse (a poller's; a client of its own costs a TLS context each time), else one for this."""
    import httpx  # only callers that fetch pay for importing the HTTP client

    request_headers = {"content-type": "application/json", "accept": "application/json"}
    request_headers.update(headers or {})
    try:
        if client is not None:
            response = await client.post(url, json={"query": SERVICE_QUERY}, headers=request_headers, timeout=timeout)
        else:
            async with httpx.AsyncClient(timeout=timeout) as own:
                response = await own.post(url, json={"query": SERVICE_QUERY}, headers=request_headers)
    except httpx.HTTPError as error:
        raise SubgraphFetchError(f"{url}: {error.__class__.__name__}: {error}") from error
    if response.status_code != 200:
        raise SubgraphFetchError(f"{url}: HTTP {response.status_code}")
    try:
        body = response.json()
        sdl = body["data"]["_service"]["sdl"]
    except (ValueError, KeyError, TypeError) as error:
        raise SubgraphFetchError(f"{url}: the answer has no data._service.sdl") from error
    if not isinstance(sdl, str):
        raise SubgraphFetchError(f"{url}: data._service.sdl is not a string")
    return sdl
