"""Where the served supergraph comes from: a file, or subgraphs composed and re-composed
whenever one's SDL changes (the last good supergraph stays when composition fails)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("supergraph.source")

OnSupergraph = Callable[[str], Awaitable[None] | None]


def read_supergraph_file(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


class ComposedSource:
    """Polls subgraphs for their SDL and composes them when any changed."""

    def __init__(
        self,
        subgraphs: list[tuple[str, str]],
        on_supergraph: OnSupergraph,
        interval: float = 10.0,
        timeout: float = 10.0,
    ) -> None:
        self.subgraphs = subgraphs
        self.on_supergraph = on_supergraph
        self.interval = interval
        self.timeout = timeout
        self.sdls: dict[str, str] = {}
        self.last_errors: list[str] = []
        self.supergraph_sdl: str | None = None

    async def refresh(self, client: httpx.AsyncClient | None = None) -> bool:
        """Fetch every SDL (with `client`, when given); compose when something changed. True when a new supergraph
        came."""
        from supergraph.composition import SubgraphSource, compose, fetch_subgraph_sdl

        results = await asyncio.gather(
            *(fetch_subgraph_sdl(url, timeout=self.timeout, client=client) for _, url in self.subgraphs),
            return_exceptions=True,
        )
        sdls: dict[str, str] = {}
        for (name, url), result in zip(self.subgraphs, results, strict=True):
            if isinstance(result, BaseException):
                self.last_errors = [f"subgraph {name} at {url}: {result}"]
                log.warning("cannot fetch the SDL of %s at %s: %s", name, url, result)
                return False
            sdls[name] = result
        if sdls == self.sdls:
            return False
        sources = [SubgraphSource(name, url, sdls[name]) for name, url in self.subgraphs]
        composed = compose(sources)
        if composed.supergraph_sdl is None:
            self.last_errors = [f"{e.code}: {e.message}" for e in composed.errors]
            log.error("composition failed; keeping the last good supergraph: %s", self.last_errors)
            self.sdls = sdls  # do not retry the same broken set every poll
            return False
        self.sdls = sdls
        try:
            outcome = self.on_supergraph(composed.supergraph_sdl)
            if outcome is not None:
                await outcome
        except Exception as error:  # a supergraph we cannot serve: keep the last good one
            self.last_errors = [f"cannot serve the composed supergraph: {error}"]
            log.exception("cannot serve the composed supergraph; keeping the last good one")
            return False
        self.last_errors = []
        self.supergraph_sdl = composed.supergraph_sdl
        return True

    async def run(self) -> None:
        """Refresh forever, on one HTTP client; errors are logged, never fatal."""
        import httpx

        async with httpx.AsyncClient(timeout=self.timeout) as client:
            while True:
                try:
                    await self.refresh(client)
                except asyncio.CancelledError:
                    raise
                except Exception:  # a bad poll must not stop the gateway
                    log.exception("supergraph refresh failed")
                await asyncio.sleep(self.interval)
