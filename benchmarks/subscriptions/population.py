"""The benchmark's people and tickets, made through the public API as an operator and customers would.

Spread (defaults): 4 companies; each with 5 agents and 50 customers, and 25 tickets, each opened by a
customer, assigned to an agent and watched by 8 more customers: 10 participants per ticket, 100
tickets. Every participant subscribes to their ticket's chat from its own tab, signed in on its own
(a distinct token), so 1,000 subscriptions share nothing at the gateway; a person takes part in about
5 tickets. Messages go round the tickets, each from one of its participants, with that tab's token.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import httpx
from pymongo import AsyncMongoClient

from benchmarks.subscriptions.stack import ROOT_EMAIL, ROOT_PASSWORD, Stack

T = TypeVar("T")
PASSWORD = "Bench-Passw0rd-2026"
LOGIN = """mutation($c: String, $e: String!, $p: String!) { login(input: {accessCode: $c, email: $e, password: $p}) {
  accessToken user { id } } }"""
CREATE_COMPANY = "mutation($i: CreateCompanyInput!) { createCompany(input: $i) { company { id accessCode } } }"
CREATE_USER = "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }"
CREATE_ITEM = "mutation($i: ServiceItemInput!) { createServiceItem(input: $i) { id } }"
CREATE_TICKET = "mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }"
ASSIGN = "mutation($id: ID!, $a: ID!) { assignTicket(id: $id, assigneeId: $a) { id } }"


@dataclass(frozen=True)
class Spread:
    companies: int = 4
    agents: int = 5
    customers: int = 50
    tickets: int = 25  # per company
    watchers: int = 8  # per ticket, besides its creator and its agent

    @property
    def subscribers(self) -> int:
        return self.companies * self.tickets * (self.watchers + 2)


@dataclass(frozen=True)
class Tab:
    """One participant's browser tab on one ticket: a token of its own."""

    user_id: str
    ticket_id: str
    token: str


@dataclass
class Population:
    tabs: list[Tab] = field(default_factory=list)

    def tickets(self) -> list[str]:
        return list(dict.fromkeys(t.ticket_id for t in self.tabs))

    def senders(self, ticket_id: str) -> list[Tab]:
        return [t for t in self.tabs if t.ticket_id == ticket_id]


class Api:
    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http, self.url = http, url

    async def __call__(self, query: str, variables: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body = (await self.http.post(f"{self.url}/graphql", json={"query": query, "variables": variables},
                                     headers=headers)).json()
        if body.get("errors"):
            raise RuntimeError(f"{query.split('(')[0]}: {body['errors']}")
        return body["data"]


async def gathered(calls: list[Callable[[], Awaitable[T]]], limit: int = 8) -> list[T]:
    """Run `calls` a few at a time (the services share two cores with everything else)."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(one(c) for c in calls)))


async def populate(stack: Stack, spread: Spread, seed: int = 7) -> Population:
    chooser = random.Random(seed)
    async with httpx.AsyncClient(timeout=60) as http:
        users, tickets = Api(http, stack.url("users")), Api(http, stack.url("tickets"))
        root = (await users(LOGIN, {"c": None, "e": ROOT_EMAIL, "p": ROOT_PASSWORD}))["login"]["accessToken"]
        population = Population()
        for n in range(spread.companies):
            population.tabs += await _company(stack, users, tickets, root, n, spread, chooser)
        return population


async def _company(stack: Stack, users: Api, tickets: Api, root: str, n: int, spread: Spread,
                   chooser: random.Random) -> list[Tab]:
    admin_email = f"admin@company{n}.bench"
    company = (await users(CREATE_COMPANY, {"i": {
        "name": f"Bench Company {n}", "taxId": f"BENCH-{n}", "email": f"it@company{n}.bench",
        "admin": {"email": admin_email, "firstName": "Ada", "lastName": f"Admin{n}", "password": PASSWORD}}},
        root))["createCompany"]["company"]
    code = company["accessCode"]
    admin = await sign_in(users, code, admin_email)
    roles = {r["key"]: r["id"] for r in (await users("{ roles { id key } }", {}, admin["token"]))["roles"]}
    people = [(f"agent{i}@company{n}.bench", "agent") for i in range(spread.agents)]
    people += [(f"customer{i}@company{n}.bench", "customer") for i in range(spread.customers)]
    ids = await gathered([partial(create_user, users, admin["token"], roles[r], e, r) for e, r in people])
    await known(stack, "tickets", "people", ids)
    await known(stack, "chat", "people", ids)
    by_email = dict(zip([e for e, _ in people], ids, strict=True))
    agents = [e for e, r in people if r == "agent"]
    customers = [e for e, r in people if r == "customer"]
    item = (await tickets(CREATE_ITEM, {"i": item_input()}, admin["token"]))["createServiceItem"]["id"]
    tabs: list[Tab] = []
    for t in range(spread.tickets):
        creator, *watchers = chooser.sample(customers, spread.watchers + 1)
        agent = agents[t % len(agents)]
        creator_login = await sign_in(users, code, creator)
        ticket = (await tickets(CREATE_TICKET, {"i": {"itemId": item, "title": f"Bench ticket {n}-{t}",
                                                      "description": "Measured.",
                                                      "watcherIds": [by_email[w] for w in watchers]}},
                                creator_login["token"]))["createTicket"]["id"]
        await tickets(ASSIGN, {"id": ticket, "a": by_email[agent]}, admin["token"])
        logins = await gathered([partial(sign_in, users, code, e) for e in (agent, *watchers)])
        tabs += [Tab(creator_login["id"], ticket, creator_login["token"])]
        tabs += [Tab(login["id"], ticket, login["token"]) for login in logins]
    await assigned_in_chat(stack, [t.ticket_id for t in tabs])
    return tabs


def item_input() -> dict[str, Any]:
    return {"name": "Bench VPN", "type": "INCIDENT", "category": "Network", "impact": "MEDIUM", "urgency": "HIGH",
            "responseMinutes": 60, "resolutionMinutes": 480, "careGroup": "Network"}


async def create_user(users: Api, token: str, role_id: str, email: str, role: str) -> str:
    payload = {"email": email, "firstName": role.title(), "lastName": email.split("@")[0], "roleId": role_id,
               "password": PASSWORD, "careGroups": ["Network"] if role == "agent" else []}
    return str((await users(CREATE_USER, {"i": payload}, token))["createUser"]["id"])


async def sign_in(users: Api, code: str, email: str) -> dict[str, str]:
    login = (await users(LOGIN, {"c": code, "e": email, "p": PASSWORD}))["login"]
    return {"id": login["user"]["id"], "token": login["accessToken"]}


async def caught_up(stack: Stack, service: str, collection: str, query: dict[str, Any], count: int,
                     seconds: float = 120) -> None:
    """Wait until a service's read model holds `count` rows matching `query` (its consumers caught up)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(stack.database_url(service))
    try:
        rows = client[f"{stack.prefix}{service}"][collection]
        async with asyncio.timeout(seconds):
            while True:
                if await rows.count_documents(query) >= count:
                    return
                await asyncio.sleep(0.2)
    finally:
        await client.close()


async def known(stack: Stack, service: str, collection: str, ids: list[str]) -> None:
    await caught_up(stack, service, collection, {"_id": {"$in": ids}}, len(ids))


async def assigned_in_chat(stack: Stack, ticket_ids: list[str]) -> None:
    wanted = list(dict.fromkeys(ticket_ids))
    await caught_up(stack, "chat", "tickets", {"_id": {"$in": wanted}, "assigneeId": {"$ne": None}}, len(wanted))
