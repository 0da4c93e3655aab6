"""What a subgraph tells the kernel about itself: name, schema, settings and start-up hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute

from identity import KeySource
from subgraphs.kernel.auth.principal import Principal
from subgraphs.kernel.settings import ServiceSettings

if TYPE_CHECKING:
    import strawberry

    from subgraphs.kernel.runtime import Runtime


@dataclass(frozen=True)
class SubgraphDefinition:
    name: str
    build_schema: Callable[[], strawberry.federation.Schema]
    settings_class: type[ServiceSettings] = ServiceSettings
    # Indexes, consumers, seed data: run once the database and bus are up.
    setup: Callable[[Runtime], Awaitable[None]] | None = None
    # Extra HTTP routes beside /graphql, /health and /ready (e.g. the JWKS).
    routes: Callable[[Runtime], list[BaseRoute]] | None = None
    # Where verification keys come from; default: the users service's JWKS over HTTP.
    key_source: Callable[[Runtime], KeySource] | None = None
    # Turns verified claims into a principal; default: trust the claims as signed.
    principal_loader: Callable[[Runtime, dict[str, Any]], Awaitable[Principal]] | None = None
    # Its durable consumers, (short name, routing-key patterns): the whole topology is declared from these before
    # any service publishes (subgraphs/kernel/events/topology.py), and `Runtime.consume` takes no other.
    consumers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Patterns an earlier version bound to one of those queues and this one does not (short name, patterns): the
    # topology's declaration unbinds them, so a queue that outlived the upgrade stops taking what it no longer wants.
    retired_bindings: tuple[tuple[str, tuple[str, ...]], ...] = ()
