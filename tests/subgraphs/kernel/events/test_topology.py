"""Queue names: the product's default exchange keeps the `aurontek.<service>.<consumer>` names; a deployment on an
exchange of its own gets queues of its own, so two deployments sharing a broker never consume each other's events.
Each queue is bound to the events its consumer takes, and an upgrade unbinds what an earlier version bound."""

from __future__ import annotations

from subgraphs.kernel.events.contracts import ia as ia_events
from subgraphs.kernel.events.contracts import tickets as ticket_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.topology import Durable, namespace_of, queue_name, whole_topology
from tests.harness import eventually
from tests.subgraphs.kernel.events.conftest import Broker


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


async def test_an_upgraded_queue_stops_taking_what_its_old_binding_brought(broker: Broker) -> None:
    """A queue an earlier version bound to `ticket.*` keeps that binding on the broker; the new version's declaration
    binds its events by name and unbinds the old pattern, so the queue no longer fills with what it declines."""
    queue = broker.spec((), _never).queue  # a unique name, deleted after the test
    earlier = broker.bus()
    await earlier.start()
    await earlier.declare([Durable(queue, ("ticket.*",))])
    await broker.publish_raw(b"{}", "ticket.classified")
    await eventually(lambda: _holds(broker, queue, 1), what="the earlier binding's delivery")
    await broker.take(queue)

    upgraded = broker.bus()
    await upgraded.start()
    await upgraded.declare([Durable(queue, ("ticket.created",), retired=("ticket.*",))])
    for routing_key in ("ticket.classified", "ticket.created", "ticket.commented"):
        await broker.publish_raw(routing_key.encode(), routing_key)  # once confirmed, in every queue it was routed to
    assert [message.body for message in await broker.take(queue)] == [b"ticket.created"]


async def test_each_conclusion_of_the_ia_reaches_only_the_queues_that_take_it(broker: Broker) -> None:
    """Bound as `ticket.*`, chat's, the IA's and the notifications' queues were each handed every conclusion of the
    IA, only to decline it. The whole topology, declared as every service declares it, routes each to its takers."""
    topology = whole_topology(namespace_of(broker.exchange))
    broker.forget_after([name for durable in topology for name in (durable.queue, f"{durable.queue}.dead")])
    bus = broker.bus()
    await bus.start()
    await bus.declare(topology)
    reached: dict[str, set[str]] = {}
    for kind in (*sorted(ia_events.OWN), ticket_events.COMMENTED):
        await broker.publish_raw(kind.encode(), kind)  # once confirmed, in every queue it was routed to
        reached[kind] = set()
        for durable in topology:
            if await broker.take(durable.queue):
                reached[kind].add(durable.queue.removeprefix(f"{broker.exchange}."))
    assert reached == {
        ia_events.ASSIGNMENT_NEEDED: {"notifications.notify"},
        ia_events.ASSIGNMENT_SUGGESTED: {"tickets.intelligence"},
        ia_events.CLASSIFIED: {"tickets.intelligence"},
        ia_events.DUPLICATE_SUSPECTED: set(),
        ticket_events.COMMENTED: {"chat.tickets", "ia.tickets", "notifications.notify"},
    }


async def _holds(broker: Broker, queue: str, count: int) -> bool:
    return await broker.count(queue) >= count


async def _never(event: Event) -> None:
    raise AssertionError("nothing consumes in these tests")
