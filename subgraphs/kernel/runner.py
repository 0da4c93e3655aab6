"""Runs one subgraph as its own process: `aurontek serve <name>`."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.settings import DEFAULT_PORTS, load_settings

SUBGRAPHS = ("users", "tickets", "chat", "notifications", "ia")


def load_definition(name: str) -> SubgraphDefinition:
    try:
        module = importlib.import_module(f"subgraphs.{name}.service")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(f"subgraphs.{name}"):
            raise SystemExit(f"the {name} subgraph is not part of this build yet") from None
        raise
    return module.DEFINITION


def resolve_port(name: str, port: int | None) -> int:
    """--port, else <NAME>_PORT, else the service's standard port."""
    if port is not None:
        return port
    return int(os.environ.get(f"{name.upper()}_PORT") or DEFAULT_PORTS[name])


def serve_subgraph(name: str, *, host: str | None = None, port: int | None = None,
                   started: Callable[[], None] | None = None) -> int:
    """Serve subgraph `name` until interrupted; `started` is called once its app is built, before it listens."""
    import uvicorn

    from subgraphs.kernel.http import SERVER_OPTIONS, create_app
    from subgraphs.kernel.logging import configure_logging
    from subgraphs.kernel.runtime import Runtime

    definition = load_definition(name)
    settings = load_settings(definition.settings_class)
    configure_logging(name, level=settings.log_level, fmt=settings.log_format)
    runtime = Runtime(definition, settings, host=host, port=resolve_port(name, port))
    app = create_app(runtime)
    if started is not None:
        started()
    uvicorn.run(app, host=runtime.host, port=runtime.port, **SERVER_OPTIONS)
    return 0
