"""Queue names: the product's default exchange keeps the `aurontek.<service>.<consumer>` names; a deployment on an
exchange of its own gets queues of its own, so two deployments sharing a broker never consume each other's events."""

from __future__ import annotations

from subgraphs.kernel.events.topology import namespace_of, queue_name, whole_topology


def test_the_default_exchange_keeps_the_product_names() -> None:
    assert namespace_of("aurontek.events") == "aurontek"
    assert queue_name("chat", "tickets") == "aurontek.chat.tickets"
    assert "aurontek.ia.tickets" in {durable.queue for durable in whole_topology()}


def test_another_exchange_names_a_topology_of_its_own() -> None:
    staging = {durable.queue for durable in whole_topology(namespace_of("staging.events"))}
    production = {durable.queue for durable in whole_topology()}
    assert staging and all(name.startswith("staging.events.") for name in staging)
    assert not staging & production
    assert len(staging) == len(production)
