"""The running IA desk under test (users, tickets and IA on one bus) and ways to talk to the IA."""

from __future__ import annotations

import asyncio
from typing import Any

from subgraphs.ia import store
from subgraphs.ia.analysis.worker import Analyst
from subgraphs.ia.deps import IaDeps
from subgraphs.kernel.events.memory import InProcessBus
from tests.fixtures.users import Person
from tests.harness import Client, Result, RunningService
from tests.subgraphs.tickets.harness import CREATE_ITEM, Desk, Member, Team, item_input

AVAILABLE = "mutation { setMyActivityStatus(status: AVAILABLE) { id } }"
OFFLINE = "mutation { setMyActivityStatus(status: OFFLINE) { id } }"
AUTO_ASSIGN = "mutation { updateDeskSettings(input: {autoAssign: true}) { autoAssign } }"


class IaDesk(Desk):
    """The users, tickets and IA services on one in-process bus."""

    def __init__(self, users: RunningService, tickets: RunningService, ia: RunningService, bus: InProcessBus,
                 root: Person) -> None:
        super().__init__(users, tickets, bus, root)
        self.ia = ia

    @property
    def deps(self) -> IaDeps:
        return self.ia.runtime.state["ia"]

    @property
    def analyst(self) -> Analyst:
        return self.ia.runtime.state["ia_analyst"]

    def ask(self, member: Member) -> Client:
        """`member`, signed in, talking to the IA service."""
        return Client(member.client.http, self.ia.url, member.client.token, member.client.headers)

    async def ok(self, member: Member, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return (await self.ask(member)(query, variables)).ok()

    async def call(self, member: Member, query: str, variables: dict[str, Any] | None = None) -> Result:
        return await self.ask(member)(query, variables)

    async def _quiet(self) -> bool:
        services = (self.users, self.tickets, self.ia)
        if sum([await s.runtime.outbox.pending() for s in services]):
            return False
        await self.bus.drain()
        jobs = await self.ia.runtime.db[store.JOBS].count_documents({})
        if jobs or self.analyst.working:
            self.analyst.nudge()
            return False
        return sum([await s.runtime.outbox.pending() for s in services]) == 0

    async def settle(self) -> None:
        """Every event written so far is handled and every ticket the IA queued is analysed (and its conclusions
        handled by the tickets service)."""
        for _ in range(1500):
            if await self._quiet():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("events or analysis are still pending")

    async def ia_events(self, type: str, **data: Any) -> list[dict[str, Any]]:
        """Events of `type` the IA wrote (oldest first) whose data match."""
        query = {"event.type": type, **{f"event.data.{k}": v for k, v in data.items()}}
        rows = await self.ia.runtime.db["outbox"].find(query).sort([("createdAt", 1), ("sequence", 1)]).to_list(None)
        return [row["event"] for row in rows]

    async def train(self, company_id: str) -> bool:
        """Train the company's classifiers now, as the background trainer does once labels settle."""
        await self.settle()
        doc = await self.ia.runtime.db[store.TRAINING].find_one({"_id": company_id})
        return doc is not None and await self.deps.trainer.train(company_id, doc["version"])

    async def available(self, *members: Member) -> None:
        for member in members:
            (await member.person.client(AVAILABLE)).ok()
        await self.settle()

    async def item(self, team: Team, **fields: Any) -> str:
        item = (await team.admin.ok(CREATE_ITEM, {"i": item_input(**fields)}))["createServiceItem"]
        return str(item["id"])
