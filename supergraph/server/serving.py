"""uvicorn configured from the gateway's settings, saying 1001 to WebSocket clients on shutdown."""

from __future__ import annotations

import socket
from typing import Any

import uvicorn

from supergraph.server.app import GatewayApp
from supergraph.server.settings import GatewaySettings


def uvicorn_config(app: GatewayApp, settings: GatewaySettings, **overrides: Any) -> uvicorn.Config:
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "lifespan": "on",
        "log_level": "warning",
        "access_log": False,
        "proxy_headers": False,  # X-Forwarded-For is ours to judge (GATEWAY_TRUSTED_PROXIES)
        "ws_max_size": settings.max_body_bytes,  # a client message is bounded like a request body
        "ws_per_message_deflate": settings.ws_compression,
        **overrides,
    }
    return uvicorn.Config(app, **options)


class GatewayServer(uvicorn.Server):
    """On shutdown uvicorn would close WebSockets with 1012; the gateway first closes them with
    1001 Going Away, after writing what is queued, so clients reconnect to another instance."""

    def __init__(self, config: uvicorn.Config, app: GatewayApp) -> None:
        super().__init__(config)
        self.gateway_app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.gateway_app.runtime.connections.close_all()
        await super().shutdown(sockets)
