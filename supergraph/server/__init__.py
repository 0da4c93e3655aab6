"""The gateway's HTTP and WebSocket server: `serve()` runs it, `create_app()` builds the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def create_app(settings: Any = None, *, events: Any = None, in_process: Any = None, **overrides: Any):
    """The ASGI app for the given settings (default: from the environment). `events` (a bus's `live`) brings the
    security events that close ended sessions' sockets, when the gateway runs beside the services in one process;
    otherwise they come from `GATEWAY_AMQP_URL`. `in_process` maps the URL of a subgraph served by this same process
    to its ASGI app, which the gateway then calls directly for queries and mutations."""
    from supergraph.server.app import GatewayApp
    from supergraph.server.runtime import GatewayRuntime
    from supergraph.server.settings import GatewaySettings

    if settings is None:
        settings = GatewaySettings(**overrides)
    return GatewayApp(GatewayRuntime(settings, events=events, in_process=in_process))


def serve(host: str | None = None, port: int | None = None, supergraph: str | None = None,
          started: Callable[[], None] | None = None) -> int:
    """Run the gateway until interrupted (`aurontek serve gateway`); `started` is called once its app is built,
    before it listens."""
    import logging

    from supergraph.server.serving import GatewayServer, uvicorn_config
    from supergraph.server.settings import GatewaySettings

    overrides: dict[str, Any] = {}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    if supergraph:
        overrides["supergraph"] = supergraph
    settings = GatewaySettings(**overrides)
    from telemetry.logs import TraceIds

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s%(trace)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(TraceIds())  # a line written during a traced request names its trace
    app = create_app(settings)
    if started is not None:
        started()
    GatewayServer(uvicorn_config(app, settings, loop="uvloop", http="httptools"), app).run()
    return 0
