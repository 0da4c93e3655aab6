"""GraphiQL at GET /graphql for a browser: the page and its browser builds, served by the gateway (no CDN)."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs

log = logging.getLogger("supergraph.graphiql")

ASSET_PREFIX = "/graphiql/"
# URL name -> file under the node_modules that `npm ci` fills from graphiql_assets/package-lock.json
ASSETS = {
    "graphiql.min.css": ("graphiql/graphiql.min.css", "text/css; charset=utf-8"),
    "graphiql.min.js": ("graphiql/graphiql.min.js", "text/javascript; charset=utf-8"),
    "react.production.min.js": ("react/umd/react.production.min.js", "text/javascript; charset=utf-8"),
    "react-dom.production.min.js": ("react-dom/umd/react-dom.production.min.js", "text/javascript; charset=utf-8"),
    "graphql-ws.min.js": ("graphql-ws/umd/graphql-ws.min.js", "text/javascript; charset=utf-8"),
}
DEFAULT_ASSETS_DIR = Path(__file__).resolve().parent / "graphiql_assets" / "node_modules"
PAGE = Path(__file__).resolve().parent / "graphiql.html"
# Everything the page needs comes from this origin; the sockets go to the same endpoint.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'"
)
MISSING = """<!doctype html><html lang="en"><meta charset="utf-8"><title>GraphiQL is not installed</title>
<body style="font-family: sans-serif; max-width: 44em; margin: 3em auto">
<h1>GraphiQL is not installed</h1>
<p>The gateway serves GraphiQL's browser files itself, and they are missing from <code>{directory}</code>:
{files}.</p>
<p>Run <code>./scripts/install</code> (it installs them with npm from
<code>supergraph/server/graphiql_assets/package-lock.json</code>), or point <code>GATEWAY_GRAPHIQL_ASSETS</code>
at a directory that holds them. The API itself works: POST to <code>/graphql</code>.</p></body></html>
"""

Response = tuple[int, list[tuple[bytes, bytes]], bytes]


def wants_page(method: str, headers: dict[str, str], query_string: bytes) -> bool:
    """A browser opening /graphql: a GET that accepts HTML and carries no operation."""
    if method != "GET" or "text/html" not in headers.get("accept", ""):
        return False
    return "query" not in parse_qs(query_string.decode("latin-1"))


class GraphiQL:
    """The page and the allow-listed asset files, read once from `directory` and kept in memory."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else DEFAULT_ASSETS_DIR
        self._cache: dict[str, bytes] = {}

    def missing(self) -> list[str]:
        return [name for name, (path, _) in ASSETS.items() if not (self.directory / path).is_file()]

    def page(self) -> Response:
        missing = self.missing()
        if missing:
            body = MISSING.format(directory=self.directory, files=", ".join(missing)).encode()
            return 503, static_headers("text/html; charset=utf-8", body, cache="no-store"), body
        body = PAGE.read_bytes()
        return 200, [*static_headers("text/html; charset=utf-8", body, cache="no-cache"),
                     (b"content-security-policy", CSP.encode())], body

    def asset(self, name: str) -> Response:
        if name not in ASSETS:
            body = b"Not found"
            return 404, static_headers("text/plain; charset=utf-8", body, cache="no-store"), body
        path, content_type = ASSETS[name]
        if name not in self._cache:
            try:
                self._cache[name] = (self.directory / path).read_bytes()
            except OSError:
                body = f"{name} is not installed: run ./scripts/install".encode()
                return 404, static_headers("text/plain; charset=utf-8", body, cache="no-store"), body
        body = self._cache[name]
        return 200, static_headers(content_type, body, cache="public, max-age=3600"), body

    def report(self) -> None:
        """Say at start when the page cannot work, so nobody finds out from a blank browser tab."""
        missing = self.missing()
        if missing:
            log.warning("GraphiQL's browser files are missing from %s (%s): run ./scripts/install",
                        self.directory, ", ".join(missing))


def static_headers(content_type: str, body: bytes, *, cache: str) -> list[tuple[bytes, bytes]]:
    """The headers of a file the gateway serves itself (GraphiQL's, the web app's)."""
    return [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", cache.encode()),
        (b"x-content-type-options", b"nosniff"),
    ]
