"""The load: subscribers on the gateway's WebSocket, and messages sent at a steady rate through its HTTP endpoint.

Latency is taken from just before a message's mutation is sent to the moment its frame is read by each
subscriber of its ticket (both clocks are this process's monotonic clock).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import aiohttp
import orjson

from benchmarks.subscriptions.population import Tab

SEND = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
PREFIX = "bench:"


@dataclass
class Deliveries:
    """What subscribers received: (sequence, arrival) per frame, and anything unexpected."""

    arrivals: list[tuple[int, float]] = field(default_factory=list)
    per_subscriber: dict[int, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def count(self, subscriber: int) -> int:
        return self.per_subscriber.get(subscriber, 0)


class Subscriber:
    """One tab: its own WebSocket to the gateway, its own token, one subscription to its ticket's chat."""

    def __init__(self, number: int, tab: Tab, deliveries: Deliveries) -> None:
        self.number, self.tab, self.deliveries = number, tab, deliveries
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.task: asyncio.Task[None] | None = None

    async def open(self, session: aiohttp.ClientSession, ws_url: str, query: str) -> None:
        self.ws = await session.ws_connect(ws_url, protocols=("graphql-transport-ws",), autoping=True,
                                           max_msg_size=0)
        await self.ws.send_str(orjson.dumps({"type": "connection_init",
                                             "payload": {"authorization": f"Bearer {self.tab.token}"}}).decode())
        ack = orjson.loads((await self.ws.receive(timeout=30)).data)
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"connection refused: {ack}")
        await self.ws.send_str(orjson.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": query, "variables": {"t": self.tab.ticket_id}}}).decode())
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for frame in self.ws:
            now = time.monotonic()
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            message = orjson.loads(frame.data)
            kind = message.get("type")
            if kind == "ping":
                await self.ws.send_str('{"type":"pong"}')
            elif kind == "next" and not message["payload"].get("errors"):
                text = message["payload"]["data"]["messageAdded"]["text"]
                self.deliveries.arrivals.append((int(text.removeprefix(PREFIX)), now))
                self.deliveries.per_subscriber[self.number] = self.deliveries.count(self.number) + 1
            else:
                self.deliveries.problems.append(f"subscriber {self.number}: {str(message)[:300]}")
        if self.ws.close_code not in (None, 1000):
            self.deliveries.problems.append(f"subscriber {self.number} closed {self.ws.close_code}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            with contextlib.suppress(Exception):
                await self.task


async def subscribe_all(session: aiohttp.ClientSession, ws_url: str, query: str, tabs: list[Tab],
                        deliveries: Deliveries, *, at_once: int = 50) -> list[Subscriber]:
    subscribers = [Subscriber(n, tab, deliveries) for n, tab in enumerate(tabs)]
    gate = asyncio.Semaphore(at_once)

    async def open_one(subscriber: Subscriber) -> None:
        async with gate:
            await subscriber.open(session, ws_url, query)

    await asyncio.gather(*(open_one(s) for s in subscribers))
    return subscribers


@dataclass
class Sent:
    """Messages sent: when each left (by sequence), to which ticket, and the failures."""

    started: dict[int, float] = field(default_factory=dict)
    ticket: dict[int, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)  # mutation round trips, seconds


class Publisher:
    """Sends messages through the gateway, each from a participant of its ticket, open loop at a fixed rate."""

    def __init__(self, session: aiohttp.ClientSession, url: str, senders: dict[str, list[Tab]]) -> None:
        self.session, self.url = session, url
        self.senders = senders
        self.sent = Sent()
        self._sequence = itertools.count(1)
        self._turns = itertools.cycle(list(senders))
        self._pending: set[asyncio.Task[None]] = set()

    async def run(self, rate: float, seconds: float) -> None:
        """`rate` messages a second for `seconds`, on schedule whether or not earlier ones answered."""
        interval, began = 1 / rate, time.monotonic()
        for n in range(round(rate * seconds)):
            await asyncio.sleep(max(0.0, began + n * interval - time.monotonic()))
            self.send(next(self._turns))
        await self.drain()

    async def once_per_ticket(self, tickets: Iterable[str]) -> None:
        for ticket in tickets:
            self.send(ticket)
        await self.drain()

    def send(self, ticket: str) -> None:
        task = asyncio.create_task(self._send(ticket))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        while self._pending:
            await asyncio.gather(*list(self._pending))

    async def _send(self, ticket: str) -> None:
        sequence = next(self._sequence)
        tab = self.senders[ticket][sequence % len(self.senders[ticket])]
        body = orjson.dumps({"query": SEND, "variables": {"t": ticket, "x": f"{PREFIX}{sequence}"}})
        self.sent.ticket[sequence] = ticket
        self.sent.started[sequence] = began = time.monotonic()
        try:
            async with self.session.post(self.url, data=body, headers={
                    "content-type": "application/json", "authorization": f"Bearer {tab.token}"}) as response:
                answer = orjson.loads(await response.read())
            if answer.get("errors"):
                self.sent.errors.append(str(answer["errors"])[:300])
        except Exception as exc:
            self.sent.errors.append(repr(exc))
        self.sent.answers.append(time.monotonic() - began)
