"""The workload's people: one company of agents and customers, made through the public API, each signed in with a
token of their own, every customer with one ticket assigned to an agent (round robin) to talk about."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import partial

import httpx

from benchmarks.subscriptions.population import (
    ASSIGN,
    CREATE_COMPANY,
    CREATE_ITEM,
    CREATE_TICKET,
    LOGIN,
    PASSWORD,
    Api,
    assigned_in_chat,
    create_user,
    gathered,
    item_input,
    known,
    sign_in,
)
from benchmarks.subscriptions.stack import ROOT_EMAIL, ROOT_PASSWORD, Stack


@dataclass
class Person:
    id: str
    role: str  # "agent" or "customer"
    token: str
    tickets: list[str] = field(default_factory=list)  # a customer's own; an agent's assigned


@dataclass
class Company:
    item: str
    people: list[Person]
    opened: list[tuple[Person, Person, str]] = field(default_factory=list)  # (customer, agent, ticket) at the start

    def of(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]

    def hot(self, count: int) -> list[tuple[Person, str]]:
        """The tabs on the first `count` tickets: their customer's and their agent's."""
        return [(who, ticket) for customer, agent, ticket in self.opened[:count] for who in (customer, agent)]


async def populate(stack: Stack, *, agents: int, customers: int, seed: int = 11) -> Company:
    chooser = random.Random(seed)
    async with httpx.AsyncClient(timeout=60) as http:
        users, tickets = Api(http, stack.url("users")), Api(http, stack.url("tickets"))
        root = (await users(LOGIN, {"c": None, "e": ROOT_EMAIL, "p": ROOT_PASSWORD}))["login"]["accessToken"]
        admin_email = "admin@workload.bench"
        company = (await users(CREATE_COMPANY, {"i": {
            "name": "Workload Company", "taxId": "BENCH-W", "email": "it@workload.bench",
            "admin": {"email": admin_email, "firstName": "Ada", "lastName": "Admin", "password": PASSWORD}}},
            root))["createCompany"]["company"]
        code = company["accessCode"]
        admin = await sign_in(users, code, admin_email)
        roles = {r["key"]: r["id"] for r in (await users("{ roles { id key } }", {}, admin["token"]))["roles"]}
        wanted = [(f"agent{i}@workload.bench", "agent") for i in range(agents)]
        wanted += [(f"customer{i}@workload.bench", "customer") for i in range(customers)]
        ids = await gathered([partial(create_user, users, admin["token"], roles[r], e, r) for e, r in wanted])
        for service in ("tickets", "chat", "notifications"):
            await known(stack, service, "people", ids)
        logins = await gathered([partial(sign_in, users, code, e) for e, _ in wanted])
        people = [Person(login["id"], role, login["token"]) for login, (_, role) in zip(logins, wanted, strict=True)]
        item = (await tickets(CREATE_ITEM, {"i": item_input()}, admin["token"]))["createServiceItem"]["id"]
        staff = [p for p in people if p.role == "agent"]
        clients = [p for p in people if p.role == "customer"]

        opened: list[tuple[Person, Person, str]] = []

        async def open_ticket(n: int, customer: Person) -> None:
            ticket = (await tickets(CREATE_TICKET, {"i": {"itemId": item, "title": f"Workload ticket {n}",
                                                          "description": "Measured."}},
                                    customer.token))["createTicket"]["id"]
            agent = staff[n % len(staff)]
            await tickets(ASSIGN, {"id": ticket, "a": agent.id}, admin["token"])
            customer.tickets.append(ticket)
            agent.tickets.append(ticket)
            opened.append((customer, agent, ticket))

        await gathered([partial(open_ticket, n, c) for n, c in enumerate(clients)])
        await assigned_in_chat(stack, [t for c in clients for t in c.tickets])
        chooser.shuffle(people)
        return Company(item, people, sorted(opened, key=lambda row: row[2]))
