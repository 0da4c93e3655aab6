"""The web app (web/, built by ./scripts/install into web/dist) served by the gateway itself: its hashed assets
under /assets/ with a long cache, and index.html for every other page path the app routes in the browser
(/login, /tickets/…, the /reset-password and /set-password links the product mails), so a person opens any link
of the app directly. Nothing comes from another origin; the app talks to /graphql on this one."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from supergraph.server.graphiql import static_headers

log = logging.getLogger("supergraph.webapp")

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "web" / "dist"
ASSETS = "/assets/"
# The app's own files, the API and its sockets on this origin; attachments and photos may come from the file
# storage's https links; no frames, no plug-ins.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; "
    "font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
MISSING = b"""<!doctype html><html lang="en"><meta charset="utf-8"><title>The web app is not built</title>
<body style="font-family: sans-serif; max-width: 44em; margin: 3em auto"><h1>The web app is not built</h1>
<p>Run <code>./scripts/install</code>: it builds the app into <code>web/dist</code> with npm. Or point
<code>GATEWAY_WEB_DIR</code> at a build. The API works meanwhile: GraphiQL is at <a href="/graphql">/graphql</a>.</p>
</body></html>"""

Response = tuple[int, list[tuple[bytes, bytes]], bytes]


class WebApp:
    """Files of one build, read on first use and kept in memory (a build is a few hundred KiB)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = (Path(directory) if directory else DEFAULT_DIR).resolve()
        self._cache: dict[str, bytes] = {}

    @property
    def built(self) -> bool:
        return (self.directory / "index.html").is_file()

    def report(self) -> None:
        if not self.built:
            log.warning("the web app is not built in %s: run ./scripts/install", self.directory)

    def page(self) -> Response:
        """index.html, for any of the app's page paths: never cached, so a new build is picked up at once."""
        body = self._read("index.html")
        if body is None:
            return 503, _headers("text/html; charset=utf-8", MISSING, cache="no-store"), MISSING
        return 200, [*_headers("text/html; charset=utf-8", body, cache="no-cache"),
                     (b"content-security-policy", CSP.encode())], body

    def asset(self, path: str) -> Response:
        """A file of the build under /assets/ (`path` is the URL path): named by its content's hash, so cached for
        a year."""
        name = path.lstrip("/")
        body = self._read(name) if _safe(name) else None
        if body is None:
            text = b"Not found"
            return 404, _headers("text/plain; charset=utf-8", text, cache="no-store"), text
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "image/svg+xml"):
            content_type += "; charset=utf-8"
        return 200, _headers(content_type, body, cache="public, max-age=31536000, immutable"), body

    def _read(self, name: str) -> bytes | None:
        if name not in self._cache:
            path = (self.directory / name).resolve()
            if not path.is_relative_to(self.directory) or not path.is_file():
                return None
            self._cache[name] = path.read_bytes()
        return self._cache[name]


def _safe(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and all(part not in ("", ".", "..") and "\\" not in part for part in parts)


def wants_app_page(method: str, accept: str) -> bool:
    """A browser opening one of the app's pages: a GET or HEAD that accepts HTML."""
    return method in ("GET", "HEAD") and "text/html" in accept


def _headers(content_type: str, body: bytes, *, cache: str) -> list[tuple[bytes, bytes]]:
    return [*static_headers(content_type, body, cache=cache), (b"referrer-policy", b"same-origin")]
