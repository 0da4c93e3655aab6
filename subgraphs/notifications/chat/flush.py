"""Turns due chat batches into notices, one batch per transaction, for as long as the service runs."""

from __future__ import annotations

import asyncio

from subgraphs.kernel.events.outbox import Outbox, UnitOfWork
from subgraphs.kernel.logging import get_logger
from subgraphs.notifications.chat.unread import notice_for, take_due
from subgraphs.notifications.dispatch import Dispatcher
from subgraphs.notifications.triggers.lookup import Lookup

log = get_logger(__name__)


class UnreadFlusher:
    def __init__(self, outbox: Outbox, dispatcher: Dispatcher, *, interval: float) -> None:
        self.outbox = outbox
        self.dispatcher = dispatcher
        self.interval = interval

    async def run(self) -> None:
        while True:
            try:
                while await self.flush_one():
                    pass
            except Exception as exc:  # the database away for a moment: the batches wait
                log.warning("chat batches not flushed", extra={"error": repr(exc)})
            await asyncio.sleep(self.interval)

    async def flush_one(self) -> bool:
        """Tell one due batch; False when none is due."""
        return await self.outbox.transaction(self._flush)

    async def _flush(self, uow: UnitOfWork) -> bool:
        db = self.dispatcher.db
        batch = await take_due(db, uow.session)
        if batch is None:
            return False
        notice = await notice_for(batch, Lookup(db, uow, self.dispatcher.default_language, None))
        if notice is not None:
            await self.dispatcher.deliver(uow, [notice], source_id=f"chat-{batch['_id']}", reads=None)
        return True
