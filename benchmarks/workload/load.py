"""The load: every person of the company acts through the gateway, one operation after another with 1-3 s of
thought between them, as a helpdesk's people do. Customers raise tickets, write in theirs (comments and chat) and
read their tickets and notifications; agents reply in the tickets they hold, chat, and read their queue and
notifications."""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

import aiohttp
import orjson

from benchmarks.workload.people import Company, Person

COMMENT = """mutation($t: ID!, $b: String!) { addTicketComment(ticketId: $t, input: {body: $b}) { comment { id } } }"""
CHAT = "mutation($t: ID!, $x: String!) { sendChatMessage(ticketId: $t, text: $x) { id } }"
RAISE = """mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }"""
MY_TICKETS = "{ tickets(first: 20) { edges { node { id title status } } } }"
QUEUE = """query($a: ID!) {
  tickets(first: 20, filter: {assigneeId: $a}) { edges { node { id title status priority } } } }"""
NOTICES = "{ unreadNotificationCount notifications(first: 20) { edges { node { id title read } } } }"

# (operation, weight) per role; every operation is one GraphQL request.
MIX = {
    "customer": (("comment", 27), ("chat", 25), ("my_tickets", 20), ("notifications", 20), ("raise", 8)),
    "agent": (("comment", 30), ("chat", 25), ("queue", 25), ("notifications", 20)),
}


@dataclass
class Outcomes:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def operations(self) -> int:
        return sum(len(v) for v in self.latencies.values()) + sum(self.errors.values())


class Actor:
    def __init__(self, person: Person, company: Company, gateway: str, session: aiohttp.ClientSession,
                 outcomes: Outcomes, chooser: random.Random) -> None:
        self.person, self.company, self.gateway, self.session = person, company, gateway, session
        self.outcomes, self.chooser = outcomes, chooser
        names, weights = zip(*MIX[person.role], strict=True)
        self.names, self.weights = list(names), list(weights)

    async def run(self, until: float) -> None:
        await asyncio.sleep(self.chooser.uniform(0, 2))  # not everyone at the same moment
        n = 0
        while time.monotonic() < until:
            n += 1
            operation = self.chooser.choices(self.names, self.weights)[0]
            await self.act(operation, n)
            await asyncio.sleep(self.chooser.uniform(1, 3))

    async def act(self, operation: str, n: int) -> None:
        ticket = self.chooser.choice(self.person.tickets) if self.person.tickets else None
        text = f"{operation} {n} from {self.person.role} {self.person.id[-6:]}"
        query, variables = {
            "comment": (COMMENT, {"t": ticket, "b": text}),
            "chat": (CHAT, {"t": ticket, "x": text}),
            "raise": (RAISE, {"i": {"itemId": self.company.item, "title": f"Workload {text}",
                                    "description": "Raised under load."}}),
            "my_tickets": (MY_TICKETS, {}),
            "queue": (QUEUE, {"a": self.person.id}),
            "notifications": (NOTICES, {}),
        }[operation]
        began = time.monotonic()
        try:
            async with self.session.post(f"{self.gateway}/graphql", data=orjson.dumps(
                    {"query": query, "variables": variables}), headers={
                    "authorization": f"Bearer {self.person.token}", "content-type": "application/json"}) as answer:
                body = orjson.loads(await answer.read())
        except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError) as error:
            self.outcomes.errors[f"{operation}: {type(error).__name__}"] += 1
            return
        if body.get("errors"):
            code = body["errors"][0].get("extensions", {}).get("code", "?")
            self.outcomes.errors[f"{operation}: {code}"] += 1
            return
        self.outcomes.latencies[operation].append(time.monotonic() - began)


async def drive(company: Company, gateway: str, seconds: float, *, seed: int = 5) -> Outcomes:
    outcomes = Outcomes()
    chooser = random.Random(seed)
    until = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        actors = [Actor(p, company, gateway, session, outcomes, random.Random(chooser.random()))
                  for p in company.people]
        await asyncio.gather(*(a.run(until) for a in actors))
    return outcomes
