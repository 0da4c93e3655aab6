"""`GET /files/{key}` of a subgraph on local storage: the file, to the holder of a valid signed link only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from subgraphs.kernel import clock
from subgraphs.kernel.storage import LocalStorage

# Nothing a file holds runs under our origin: no sniffing, no scripts, no plugins, a sandbox of its own.
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}


def file_route(storage: LocalStorage) -> Callable[[Request], Awaitable[Response]]:
    async def files(request: Request) -> Response:
        key = request.path_params["key"]
        expires, signature = request.query_params.get("expires"), request.query_params.get("signature")
        if not storage.links.verify(key, expires, signature):
            # the same answer for a missing, expired or forged signature: nothing to learn from it
            return JSONResponse({"error": "this link is not valid or has expired"}, status_code=403,
                                headers=SAFE_HEADERS)
        path = storage.path_of(key)
        if path is None:
            return JSONResponse({"error": "not found"}, status_code=404, headers=SAFE_HEADERS)
        left = max(0, int(expires or 0) - int(clock.now().timestamp()))
        inline = path.suffix in (".png", ".jpg", ".gif", ".webp")  # images show in place; the rest downloads
        return FileResponse(path, headers={**SAFE_HEADERS, "Cache-Control": f"private, max-age={left}",
                                           "Content-Disposition": "inline" if inline else "attachment"})

    return files
