"""The distributed stack in one test process: users, tickets and several chat instances on one RabbitMQ
exchange (each service its own RabbitMQ connection, as separate processes would have), and real
gateways composing them; a desk of two companies with a ticket each."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aio_pika
import httpx

from subgraphs.chat.messages.documents import ADDED, MessageKind
from subgraphs.chat.service import DEFINITION as CHAT
from subgraphs.kernel.definition import SubgraphDefinition
from subgraphs.kernel.events.amqp import AmqpBus, retry_queues
from subgraphs.kernel.ids import new_id
from subgraphs.tickets.service import DEFINITION as TICKETS
from subgraphs.users.service import DEFINITION as USERS
from supergraph.server import create_app
from supergraph.server.serving import GatewayServer, uvicorn_config
from supergraph.server.settings import GatewaySettings
from tests import harness
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, Factory, Person, Tenant, sign_in
from tests.harness import Client, RunningService, free_port, start_service
from tests.subgraphs.tickets.harness import ASSIGN, CREATE_ITEM, CREATE_TICKET, Member, item_input
from tests.supergraph.gateway_harness import RunningGateway

eventually = functools.partial(harness.eventually, timeout=20.0)  # a read model caught up, a listener in place


@dataclass
class Desk:
    """One company as the tests use it: an admin, an agent and a customer, and the customer's ticket."""

    tenant: Tenant
    admin: Member
    agent: Member
    customer: Member
    ticket: dict[str, Any]


@dataclass
class LiveStack:
    users: RunningService
    tickets: RunningService
    chats: list[RunningService]
    root: Person
    http: httpx.AsyncClient
    settings: dict[str, Any]  # what every service of the stack shares: broker, exchange, database prefix
    late: list[RunningService]  # services started after the stack came up (`start`)

    async def start(self, definition: SubgraphDefinition, **settings: Any) -> RunningService:
        """Another service on the stack's broker, started now (stopped with the stack)."""
        service = await start_service(definition, mongo_url=self.settings["mongo_url"], http=self.http,
                                      auth_jwks_url=self.jwks_url, **{**self.settings["common"], **settings})
        self.late.append(service)
        return service

    async def restart_chat(self, index: int = 0) -> RunningService:
        """Stop chat instance `index` and start it again on its port (same database and broker)."""
        old = self.chats[index]
        await old.stop()
        port = int(old.url.rsplit(":", 1)[1])
        self.chats[index] = await start_service(CHAT, mongo_url=self.settings["mongo_url"], http=self.http, port=port,
                                                auth_jwks_url=self.jwks_url, **self.settings["common"])
        return self.chats[index]

    @property
    def jwks_url(self) -> str:
        return f"{self.users.url}/.well-known/jwks.json"

    @contextlib.asynccontextmanager
    async def gateway(self, chat: RunningService, users: RunningService | None = None
                      ) -> AsyncIterator[RunningGateway]:
        """A gateway composing users, tickets, `chat` (one of the chat instances) and the services started late;
        with `users`, that users instance (one of several replicas) rather than the stack's or a late one."""
        subgraphs = {"users": self.users.url, "tickets": self.tickets.url, "chat": chat.url,
                     **{s.runtime.name: s.url for s in self.late}}
        if users is not None:
            subgraphs["users"] = users.url
        settings = GatewaySettings(subgraphs=",".join(f"{n}={u}/graphql" for n, u in subgraphs.items()),
                                   host="127.0.0.1", port=free_port(), auth_jwks_url=self.jwks_url, poll_interval=3600,
                                   amqp_url=self.settings["common"]["amqp_url"],
                                   events_exchange=self.settings["common"]["events_exchange"])
        app = create_app(settings)
        server = GatewayServer(uvicorn_config(app, settings), app)
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        await asyncio.wait_for(app.runtime.watching.wait(), 20)  # listening to the security events
        running = RunningGateway(f"http://127.0.0.1:{settings.port}", app, server, task)
        try:
            yield running
        finally:
            await running.stop()

    async def known(self, service: RunningService, collection: str, *ids: str) -> None:
        """Wait until `service`'s read model `collection` holds every one of `ids` (its consumer caught up)."""

        async def there() -> bool:
            return await service.runtime.db[collection].count_documents({"_id": {"$in": list(ids)}}) == len(ids)

        await eventually(there, what=f"{service.runtime.name} knows {collection} {ids}")

    async def desk(self, gateway_url: str) -> Desk:
        """A new company with its people, and a ticket of the customer's assigned to the agent (through a gateway)."""
        factory = Factory(self.root)
        tenant = await factory.tenant()
        agent = await factory.person(tenant, "agent", careGroups=["Network"])
        customer = await factory.person(tenant, "customer")
        people = [tenant.admin.id, agent.id, customer.id]
        await self.known(self.tickets, "people", *people)
        for chat in self.chats[:1]:  # the instances share one database
            await self.known(chat, "people", *people)
        admin, agent_m, customer_m = (self.member(gateway_url, p, r) for p, r in
                                      ((tenant.admin, "company_admin"), (agent, "agent"), (customer, "customer")))
        item = (await admin.ok(CREATE_ITEM, {"i": item_input()}))["createServiceItem"]
        ticket = (await customer_m.ok(CREATE_TICKET, {"i": {"itemId": item["id"], "title": f"VPN of {tenant.name}",
                                                             "description": "It drops."}}))["createTicket"]
        async with contextlib.AsyncExitStack() as listening:
            # the assignment writes a system message into the chat; once every instance has heard it, no frame
            # of the desk's own making can reach a subscription the test opens afterwards
            feeds = [await listening.enter_async_context(chat.runtime.state["chat"].live.listen(ticket["id"]))
                     for chat in self.chats]
            ticket = (await admin.ok(ASSIGN, {"id": ticket["id"], "a": agent.id}))["assignTicket"]
            for feed in feeds:
                await asyncio.wait_for(_system_message(feed), 20)
        return Desk(tenant, admin, agent_m, customer_m, ticket)

    def member(self, gateway_url: str, person: Person, role: str) -> Member:
        return Member(person, Client(self.http, gateway_url, person.client.token, person.client.headers), role)


async def _system_message(feed: AsyncIterator[Any]) -> None:
    async for event in feed:
        if event.type == ADDED and event.data.get("kind") == MessageKind.SYSTEM:
            return


async def _delete_queues(amqp_url: str, exchange: str, buses: list[AmqpBus]) -> None:
    """The durable queues the services declared (and their retry and dead queues), and the test's exchange."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        names = {name for bus in buses for spec in bus._specs  # the consumers each service registered
                 for name in (spec.queue, f"{spec.queue}.dead", *retry_queues(spec).values())}
        names |= {name for bus in buses for name in bus.declared}  # and the topology, whoever consumes it
        for name in names:
            await channel.queue_delete(name)
        await channel.exchange_delete(exchange)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def live_stack(amqp_url: str, mongo_url: str, http: httpx.AsyncClient, *, chats: int = 2
                     ) -> AsyncIterator[LiveStack]:
    exchange = f"test.live.{new_id()}"
    common: dict[str, Any] = {"amqp_url": amqp_url, "events_exchange": exchange, "event_retry_delay_ms": 50,
                              "mongodb_database_prefix": f"live{new_id()[-8:]}_"}
    users = await start_service(USERS, mongo_url=mongo_url, http=http, admin_email=ROOT_EMAIL,
                                admin_password=ROOT_PASSWORD, access_token_ttl=3600, **{**FAST_HASH, **common})
    jwks: dict[str, Any] = {"auth_jwks_url": f"{users.url}/.well-known/jwks.json"}
    tickets = await start_service(TICKETS, mongo_url=mongo_url, http=http, sla_scan_interval_seconds=3600,
                                  **jwks, **common)
    instances = [await start_service(CHAT, mongo_url=mongo_url, http=http, **jwks, **common) for _ in range(chats)]
    late: list[RunningService] = []
    try:
        root = await sign_in(users.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)
        yield LiveStack(users, tickets, instances, root, http, {"mongo_url": mongo_url, "common": common}, late)
    finally:
        services = [users, tickets, *instances, *late]  # chat instances as they are now (`restart_chat`)
        buses = [s.runtime.bus for s in services if isinstance(s.runtime.bus, AmqpBus)]
        for service in reversed(services):
            await service.stop()
        await _delete_queues(amqp_url, exchange, buses)
