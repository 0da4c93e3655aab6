"""The durable consumer: folds each event into the read models and turns it into notices, in one transaction.

Events that can change nothing here are declined before any database work (`wanted`): no transaction, no marker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from subgraphs.kernel.events.contracts import users as user_events
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.notifications.chat import unread
from subgraphs.notifications.dispatch import Dispatcher
from subgraphs.notifications.people import erasure, sync
from subgraphs.notifications.triggers import accounts, tickets
from subgraphs.notifications.triggers.lookup import Lookup
from subgraphs.notifications.triggers.notice import Notice

ACCOUNT_TRIGGERS: dict[str, Callable[[Event, Lookup], Awaitable[list[Notice]]]] = {
    user_events.USER_CREATED: accounts.welcome,
    user_events.PASSWORD_RESET_REQUESTED: accounts.password_reset,
    user_events.USER_PASSWORD_CHANGED: accounts.password_changed,
    user_events.COMPANY_ACCESS_CODE_CHANGED: accounts.access_code_changed,
}


# What the read models of people and companies fold, and what the account triggers turn into notices.
ACCOUNT_EVENTS = frozenset({*sync.USER_EVENTS, *sync.COMPANY_EVENTS, *ACCOUNT_TRIGGERS})
# Every kind of event `wanted` can take, each bound by name: bound as `user.*`, `ticket.*` and `chat.*`, the broker
# brought every IA conclusion, edited comment and sign-out here to be declined.
PATTERNS = tuple(sorted(ACCOUNT_EVENTS | tickets.CONCERNED | unread.CONCERNED))
RETIRED = ("user.*", "company.*", "password.*", "ticket.*", "chat.*")  # what the notify queue was bound to before


def wanted(event: Event) -> bool:
    """Whether `event` can change anything here, told from its content alone (the consumer's `accepts`): a ticket
    event that can give a notice or change the ticket view (`tickets.concerns`), a chat event that changes an unread
    batch (`unread.concerns`), an account event the people read model or a trigger uses (not signing out, not a
    session revoked)."""
    if event.type.startswith("chat."):
        return unread.concerns(event)
    if event.type.startswith("ticket."):
        return tickets.concerns(event)
    return event.type in ACCOUNT_EVENTS


class Consumer:
    def __init__(self, db: Database, dispatcher: Dispatcher, *, chat_delay: timedelta) -> None:
        self.db = db
        self.dispatcher = dispatcher
        self.chat_delay = chat_delay

    async def handle(self, event: Event, uow: UnitOfWork) -> None:
        await sync.apply(self.db, event, uow.session)
        if event.type == user_events.USER_DELETED:
            await erasure.forget(self.db, event.data["userId"], uow.session)
        if event.type.startswith("chat."):
            await unread.on_event(event, self.db, uow, delay=self.chat_delay)
            return
        # A ticket event's lookups (the people on it, their preferences) read nothing this transaction writes.
        reads = None if event.type.startswith("ticket.") else uow.session
        notices = await self.notices(event, Lookup(self.db, uow, self.dispatcher.default_language, reads))
        await self.dispatcher.deliver(uow, notices, source_id=event.id, reads=reads)

    @staticmethod
    async def notices(event: Event, look: Lookup) -> list[Notice]:
        if event.type.startswith("ticket."):
            return await tickets.notices(event, look)
        trigger = ACCOUNT_TRIGGERS.get(event.type)
        return await trigger(event, look) if trigger else []
