"""The running desk under test (users + tickets services) and the people and tickets tests work with."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.kernel.ids import new_id
from tests.fixtures.users import Factory, Person, Tenant, sign_in, unique
from tests.harness import Client, Result, RunningService
from tests.harness import settle as settle_events

TICKET_FIELDS = """
fragment T on Ticket { id reference title status priority category type tags careGroup holdReason
  creator { id } assignee { id } tutor { id } watchers { id } allowedTransitions commentCount
  sla { responseDueAt resolutionDueAt pausedAt firstResponseAt firstResponseMinutes responseMet
        resolutionMinutes resolutionMet responseBreachedAt resolutionBreachedAt } }"""

CREATE_ITEM = """mutation($i: ServiceItemInput!, $c: ID, $p: Boolean! = false) {
  createServiceItem(input: $i, companyId: $c, platformWide: $p) { id name priority careGroup } }"""

CREATE_TICKET = "mutation($i: CreateTicketInput!) { createTicket(input: $i) { ...T } }" + TICKET_FIELDS
MOVE = """mutation($id: ID!, $s: TicketStatus!, $r: String) {
  changeTicketStatus(id: $id, status: $s, reason: $r) { ...T } }""" + TICKET_FIELDS
ASSIGN = "mutation($id: ID!, $a: ID!) { assignTicket(id: $id, assigneeId: $a) { ...T } }" + TICKET_FIELDS
REPLY = """mutation($id: ID!, $i: CommentInput!) {
  addTicketComment(ticketId: $id, input: $i) { comment { id body internal } ticket { ...T } } }""" + TICKET_FIELDS
TICKET = "query($id: ID!) { ticket(id: $id) { ...T } }" + TICKET_FIELDS


def next_monday(hour: int = 10) -> datetime:
    """A Monday at `hour`:00 UTC, a few days ahead of the real clock (tokens issued then stay coherent)."""
    today = datetime.now(UTC).date() + timedelta(days=1)
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    return datetime(monday.year, monday.month, monday.day, hour, tzinfo=UTC)


def item_input(**fields: Any) -> dict[str, Any]:
    return {"name": unique("Item "), "type": "INCIDENT", "category": "Network", "impact": "MEDIUM",
            "urgency": "HIGH", "responseMinutes": 60, "resolutionMinutes": 480, "careGroup": "Network", **fields}


@dataclass
class Member:
    """A person and their clients to the tickets service and the users service."""

    person: Person
    client: Client  # the tickets service
    role: str

    @property
    def id(self) -> str:
        return self.person.id

    async def ok(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return (await self.client(query, variables)).ok()

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> Result:
        return await self.client(query, variables)

    def through(self, url: str) -> Member:
        """The same person, signed in the same, talking to the service (or gateway) at `url`."""
        return Member(self.person, Client(self.client.http, url, self.client.token, self.client.headers), self.role)


@dataclass
class Team:
    """One company's desk: an admin, two agents (one in the Network care group), an intern, two customers."""

    tenant: Tenant
    admin: Member
    agent: Member  # care group Network
    other_agent: Member  # care group Hardware
    intern: Member  # care group Network
    customer: Member
    colleague: Member  # another customer of the company
    item_id: str  # a Network incident item of the company: 60 min response, 480 min resolution
    extra: dict[str, Member] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.tenant.id

    async def ticket(self, by: Member | None = None, **fields: Any) -> dict[str, Any]:
        payload = {"itemId": self.item_id, "title": "VPN drops every hour", "description": "Since Monday.", **fields}
        return (await (by or self.customer).ok(CREATE_TICKET, {"i": payload}))["createTicket"]

    async def assigned(self, by: Member | None = None, **fields: Any) -> dict[str, Any]:
        """A ticket of the customer's, assigned to the Network agent."""
        ticket = await self.ticket(by, **fields)
        return (await self.admin.ok(ASSIGN, {"id": ticket["id"], "a": self.agent.id}))["assignTicket"]


class Desk:
    """The users and tickets services on one bus, and ways to populate them."""

    def __init__(self, users: RunningService, tickets: RunningService, bus: InProcessBus, root: Person,
                 gateway: Callable[[], AbstractAsyncContextManager[str]] | None = None) -> None:
        self.users = users
        self.tickets = tickets
        self.bus = bus
        self.root = root
        self.factory = Factory(root)
        self.open_gateway = gateway  # a gateway over these services, where their file links point

    def member(self, person: Person, role: str) -> Member:
        client = Client(person.client.http, self.tickets.url, person.client.token, person.client.headers)
        return Member(person, client, role)

    @staticmethod
    def through(gateway_url: str, member: Member) -> Member:
        """The same person talking to the gateway (the `gateway_url` fixture) instead of the tickets service."""
        return member.through(gateway_url)

    async def platform_root(self) -> Member:
        """The platform's root administrator, signed in at the current clock (a test may have moved it)."""
        self.root = await sign_in(self.users.client, email=self.root.email, password=self.root.password,
                                  access_code=None)
        self.factory = Factory(self.root)
        return self.member(self.root, "platform_root")

    async def tenant(self) -> Tenant:
        await self.platform_root()
        return await self.factory.tenant()

    async def settle(self) -> None:
        """Wait until every event written so far is relayed and handled (read models are current)."""
        await settle_events(self.bus, (self.users, self.tickets))

    async def person(self, tenant: Tenant, role: str, **fields: Any) -> Member:
        return self.member(await self.factory.person(tenant, role, **fields), role)

    async def renew(self, member: Member) -> Member:
        """The same person signed in again now (after the clock moved past their token's life)."""
        fresh = await sign_in(self.users.client, email=member.person.email, password=member.person.password,
                              access_code=member.person.access_code)
        return self.member(fresh, member.role)

    def admin(self, tenant: Tenant) -> Member:
        """The company's administrator, made with the company."""
        return self.member(tenant.admin, "company_admin")

    async def agent(self, tenant: Tenant, groups: list[str]) -> Member:
        """An agent of the company in the care `groups`."""
        return await self.person(tenant, "agent", careGroups=groups)

    async def intern(self, tenant: Tenant, groups: list[str]) -> Member:
        """An intern of the company in the care `groups` (works under a tutor)."""
        return await self.person(tenant, "intern", careGroups=groups)

    async def customer(self, tenant: Tenant) -> Member:
        return await self.person(tenant, "customer")

    @staticmethod
    async def item(admin: Member, **fields: Any) -> str:
        """A service item of `admin`'s company, a Network incident unless `fields` say otherwise; its id."""
        return str((await admin.ok(CREATE_ITEM, {"i": item_input(**fields)}))["createServiceItem"]["id"])

    async def team(self) -> Team:
        """A new company and its desk (see `Team`), every event of its making handled."""
        tenant = await self.tenant()
        agent = await self.agent(tenant, ["Network", "Service Desk"])
        other_agent = await self.agent(tenant, ["Hardware"])
        intern = await self.intern(tenant, ["Network"])
        customer, colleague = await self.customer(tenant), await self.customer(tenant)
        admin = self.admin(tenant)
        item_id = await self.item(admin)
        await self.settle()
        return Team(tenant, admin, agent, other_agent, intern, customer, colleague, item_id=item_id)

    async def events(self, type: str, **data: Any) -> list[dict[str, Any]]:
        """Events of `type` the tickets service wrote (oldest first) whose data match."""
        query = {"event.type": type, **{f"event.data.{k}": v for k, v in data.items()}}
        rows = await self.tickets.runtime.db["outbox"].find(query).sort([("createdAt", 1), ("sequence", 1)]
                                                                          ).to_list(None)
        return [row["event"] for row in rows]

    async def publish(self, type: str, data: dict[str, Any], *, company_id: str) -> None:
        """An event as another service (the IA) would publish it, handled before this returns."""
        await self.bus.publish(Event(type=type, data=data, company_id=company_id, actor_id=None))
        await self.settle()

    @staticmethod
    def ghost() -> str:
        return new_id()
