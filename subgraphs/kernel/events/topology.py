"""The whole event topology: every durable consumer of every service, known before any of them runs.

A service declares its consumers in its definition (`SubgraphDefinition.consumers`); the runtime refuses to
consume from a queue its definition does not declare, so this registry cannot drift from what runs. At start,
before its outbox publishes anything, each service declares the whole topology on its bus: on RabbitMQ every
queue exists and is bound before the first event is published (a service started later finds its events waiting
in its queue), and the in-process bus keeps events for consumers that register later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from subgraphs.kernel.definition import SubgraphDefinition

REVOCATIONS = "revocations"  # the kernel's own consumer, in every service that trusts signed claims


@dataclass(frozen=True)
class Durable:
    """A durable queue, the routing-key patterns bound to it, and those an earlier version bound that are not."""

    queue: str
    patterns: tuple[str, ...]
    retired: tuple[str, ...] = ()


DEFAULT_EXCHANGE = "aurontek.events"
DEFAULT_NAMESPACE = "aurontek"


def namespace_of(exchange: str) -> str:
    """The prefix of a deployment's queue names: `aurontek` on the default exchange, else the exchange's own name,
    so deployments that share a broker (and virtual host) with exchanges of their own never share a queue."""
    return DEFAULT_NAMESPACE if exchange == DEFAULT_EXCHANGE else exchange


def queue_name(service: str, consumer: str, namespace: str = DEFAULT_NAMESPACE) -> str:
    return f"{namespace}.{service}.{consumer}"


def consumers_of(definition: SubgraphDefinition) -> dict[str, tuple[str, ...]]:
    """A service's consumers by short name: what its definition declares, and the kernel's own."""
    from subgraphs.kernel.auth.revocations import PATTERNS as revocation_events  # (it imports the bus: not at top)

    declared = dict(definition.consumers)
    if definition.principal_loader is None:
        declared[REVOCATIONS] = revocation_events
    return declared


def durables_of(definition: SubgraphDefinition, namespace: str = DEFAULT_NAMESPACE) -> list[Durable]:
    retired = dict(definition.retired_bindings)
    return [Durable(queue_name(definition.name, name, namespace), tuple(patterns),
                    tuple(p for p in retired.get(name, ()) if p not in patterns))
            for name, patterns in consumers_of(definition).items()]


def whole_topology(namespace: str = DEFAULT_NAMESPACE) -> list[Durable]:
    """Every durable consumer of every service of the product, its queues named in `namespace`."""
    from subgraphs.kernel.runner import SUBGRAPHS, load_definition

    return [durable for name in SUBGRAPHS for durable in durables_of(load_definition(name), namespace)]
