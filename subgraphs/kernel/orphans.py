"""Transactions left open by an instance that died: found and ended by the instances still running.

A process killed in the middle of a transaction (`kill -9`, an out-of-memory kill, a lost host) never commits or
aborts it, and the database keeps it, with the locks of everything it wrote, until its lifetime limit: 60 s in
MongoDB (`transactionLifetimeLimitSeconds`) and in SecantusDB. Every writer of those documents conflicts meanwhile:
a chat whose ticket-ordering document the dead instance had written takes no message for a minute after the crash.

So each instance keeps a register in its service's database (`db_instances`): the session ids its transactions run
in (written before the first transaction that uses a new one, which happens only as the driver's session pool
grows) and a beat counter it raises every two seconds (each beat and look is two commands a service; at one a second
they were half of what an idle stack sends). Every instance watches the others' beats; one whose beat has not
moved for `dead_after` seconds of the watcher's own clock is dead: its sessions are killed (`killSessions`, which
aborts their transactions and frees their locks) and its register deleted. No clocks are compared across hosts.

An instance only stalled that long (its event loop blocked, its host starved) loses its transactions in flight the
same way: they are retried like any transient conflict, and its next beat registers it again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bson import Binary
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from subgraphs.kernel.ids import new_id

log = logging.getLogger(__name__)

COLLECTION = "db_instances"


class Orphans:
    """This instance's register, and the watch over the other instances of its service."""

    def __init__(self, db: Any, *, beat_seconds: float = 2.0, dead_after: float = 8.0) -> None:
        self.db = db  # a kernel.mongo.Database
        self.id = new_id()
        self.beat_seconds = beat_seconds
        self.dead_after = dead_after
        self._sessions: set[bytes] = set()
        self._beat = 0
        self._seen: dict[str, tuple[int, float]] = {}  # another instance -> (its beat, when it last moved)
        self.on_dead: list[Callable[[str], Awaitable[None]]] = []  # told each dead instance's id (after its sessions)
        self._left = False  # `leave` deleted the register: no beat writes it again
        self._writing = asyncio.Lock()  # a beat under way ends before `leave` deletes what it wrote

    @property
    def rows(self) -> Any:
        return self.db[COLLECTION]

    async def register(self, session: AsyncClientSession) -> None:
        """Note the session a transaction is about to run in, before it writes anything (new sessions only)."""
        lsid = session.session_id["id"]
        raw = bytes(lsid)
        if raw in self._sessions:
            return
        await self.rows.update_one({"_id": self.id}, {"$addToSet": {"sessions": lsid},
                                                      "$setOnInsert": {"beat": self._beat}}, upsert=True)
        self._sessions.add(raw)

    async def run(self) -> None:
        """Beat and watch for as long as the service runs; a database away for a moment only delays both."""
        while True:
            try:
                await self.beat()
                await self.reap()
            except PyMongoError as exc:
                log.warning("the instance register was not updated", extra={"error": repr(exc)})
            await asyncio.sleep(self.beat_seconds)

    async def beat(self) -> None:
        async with self._writing:
            if self._left:
                return
            self._beat += 1
            # the whole set each time: a watcher that took this instance for dead (it stalled) deleted its register
            known = [Binary(raw, 4) for raw in self._sessions]
            await self.rows.update_one({"_id": self.id}, {"$set": {"beat": self._beat},
                                                          "$addToSet": {"sessions": {"$each": known}}}, upsert=True)

    async def reap(self) -> int:
        """Kill the sessions of every instance whose beat stood still for `dead_after` seconds; how many died."""
        now = time.monotonic()
        dead = 0
        present: set[str] = set()
        async for row in self.rows.find({"_id": {"$ne": self.id}}):
            other, beat = str(row["_id"]), int(row.get("beat") or 0)
            present.add(other)
            last = self._seen.get(other)
            if last is None or last[0] != beat:
                self._seen[other] = (beat, now)
                continue
            if now - last[1] < self.dead_after:
                continue
            sessions = row.get("sessions") or []
            if sessions:
                await self.db.client.admin.command("killSessions", [{"id": s} for s in sessions])
            for told in self.on_dead:
                await told(other)
            await self.rows.delete_one({"_id": other, "beat": beat})
            del self._seen[other]
            dead += 1
            log.warning("ended the transactions of a stopped instance",
                        extra={"instance": other, "sessions": len(sessions)})
        for gone in set(self._seen) - present:
            del self._seen[gone]
        return dead

    async def leave(self) -> None:
        """A clean stop: the driver ends its own sessions; the register goes, and a beat still running (or due)
        does not bring it back."""
        async with self._writing:
            self._left = True
            try:
                await self.rows.delete_one({"_id": self.id})
            except PyMongoError:
                pass
