"""`aurontek resync catalogue`: ask the owner of a history to tell it again to every read model built from it.

Publishes `resync.<source>` on the services' RabbitMQ exchange (AMQP_URL, EVENTS_EXCHANGE); the owner answers
with one event per record, which every consumer folds in as it would a newer version. Read models that find
themselves empty at start ask by themselves (EVENTS_RESYNC); this is for one that is wrong, not empty.
"""

from __future__ import annotations

import argparse
import asyncio
import os

SOURCES = {"catalogue": "the service catalogue, told by tickets (the IA's triage reads it)"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=sorted(SOURCES), help="which history: " + "; ".join(
        f"{name}: {text}" for name, text in SOURCES.items()))


def run(args: argparse.Namespace) -> int:
    from subgraphs.kernel.events.amqp import AmqpBus
    from subgraphs.kernel.events.envelope import Event

    url = os.environ.get("AMQP_URL")
    if not url:
        print("AMQP_URL is not set: resync asks the running services through RabbitMQ "
              "(under `aurontek up`, restarting it is enough)")
        return 2

    async def publish() -> None:
        bus = AmqpBus(url, exchange=os.environ.get("EVENTS_EXCHANGE", "aurontek.events"), connect_wait=10)
        await bus.start()
        try:
            await bus.publish(Event(type=f"resync.{args.source}", data={"requester": "operator"}, company_id=None,
                                    actor_id=None))
        finally:
            await bus.close()

    asyncio.run(publish())
    print(f"asked for the {args.source} again: resync.{args.source} published")
    return 0
