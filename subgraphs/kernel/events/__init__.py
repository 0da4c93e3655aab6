"""Events: the envelope, the bus (RabbitMQ or in-process), the outbox and idempotent consumers."""

from subgraphs.kernel.events.envelope import Event

__all__ = ["Event"]
