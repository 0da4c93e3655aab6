"""The running IA desk under test (users, tickets and IA on one bus) and ways to talk to the IA."""

from __future__ import annotations

from typing import Any

from subgraphs.ia import store
from subgraphs.ia.analysis.worker import Analyst
from subgraphs.ia.deps import IaDeps
from subgraphs.kernel.events.memory import InProcessBus
from tests.fixtures.users import Person
from tests.harness import Client, Result, RunningService
from tests.harness import settle as settle_events
from tests.subgraphs.tickets.harness import Desk, Member

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

    async def _analysed(self) -> bool:
        """No ticket waits for the analyst; one still waiting is nudged."""
        if await self.ia.runtime.db[store.JOBS].count_documents({}) or self.analyst.working:
            self.analyst.nudge()
            return False
        return True

    async def settle(self) -> None:
        """Every event written so far is handled and every ticket the IA queued is analysed (and its conclusions
        handled by the tickets service)."""
        await settle_events(self.bus, (self.users, self.tickets, self.ia), also=self._analysed, timeout=30.0,
                            what="every event handled and every queued ticket analysed")

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
