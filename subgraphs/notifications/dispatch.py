"""Delivers notices: applies preferences, renders the words once per recipient, writes in-app and mail.

Each delivery is keyed `<source>:<recipient>:<channel>` (the source is the event id, or the chat
batch id), unique, and inserted in the same transaction as the event's marker (in one command
with it, after it): a redelivered event can neither notify twice nor half-notify.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.client_session import AsyncClientSession

from subgraphs.kernel.events.outbox import UnitOfWork
from subgraphs.kernel.mongo import Database
from subgraphs.notifications.inbox import service as inbox
from subgraphs.notifications.kinds import KINDS, Channel, Kind
from subgraphs.notifications.mail.queue import enqueue
from subgraphs.notifications.messages.render import Rendered, Renderer
from subgraphs.notifications.messages.words import language_of
from subgraphs.notifications.people.model import Person
from subgraphs.notifications.preferences.rules import Choices, channels_for
from subgraphs.notifications.preferences.service import choices_of_people
from subgraphs.notifications.triggers.notice import Notice


@dataclass
class Dispatcher:
    db: Database
    renderer: Renderer
    default_language: str

    async def deliver(self, uow: UnitOfWork, notices: list[Notice], *, source_id: str,
                      reads: AsyncClientSession | None) -> None:
        """Deliver each notice; one per recipient (the first wins when an event names someone twice). The
        recipients' preferences are read in one query, through `reads` (see `Lookup.reads`)."""
        first: dict[str, Notice] = {}
        for notice in notices:
            first.setdefault(notice.recipient_key, notice)
        people = [n.recipient.id for n in first.values() if isinstance(n.recipient, Person) and n.recipient.active]
        choices = await choices_of_people(self.db, people, session=reads) if people else {}
        for notice in first.values():
            self._deliver(uow, notice, source_id, choices)

    def _deliver(self, uow: UnitOfWork, notice: Notice, source_id: str, choices: dict[str, Choices]) -> None:
        kind = KINDS[notice.kind]
        key = f"{source_id}:{notice.recipient_key}"
        channels = self._channels(notice, kind, choices)
        if not channels:
            return
        recipient = notice.recipient
        language = language_of(recipient.language, self.default_language)
        person = {"first_name": recipient.first_name if isinstance(recipient, Person) else ""}
        link = notice.target.path if notice.target else None
        rendered = self.renderer.render(kind.key, language, {**notice.context, "person": person, "link": link})
        if Channel.IN_APP in channels and isinstance(recipient, Person):
            inbox.add(self.db, uow, {
                "key": f"{key}:{Channel.IN_APP}", "companyId": recipient.company_id, "recipientId": recipient.id,
                "kind": kind.key, "title": rendered.subject, "body": rendered.summary, "link": link,
                "target": {"type": notice.target.type.value, "id": notice.target.id} if notice.target else None,
                "sourceId": source_id,
            })
        if Channel.EMAIL in channels:
            mail = self._mail(notice, kind, language, rendered)
            enqueue(self.db, {**mail, "key": f"{key}:{Channel.EMAIL}", "sourceId": source_id}, uow)

    @staticmethod
    def _channels(notice: Notice, kind: Kind, choices: dict[str, Choices]) -> frozenset[Channel]:
        recipient = notice.recipient
        if not isinstance(recipient, Person):
            return kind.channels & {Channel.EMAIL}  # an address has no account, hence no inbox or preferences
        if not recipient.active:
            return frozenset()
        return channels_for(kind, choices.get(recipient.id, {}))

    @staticmethod
    def _mail(notice: Notice, kind: Kind, language: str, rendered: Rendered) -> dict[str, object]:
        recipient = notice.recipient
        return {
            "companyId": recipient.company_id,
            "recipientId": recipient.id if isinstance(recipient, Person) else None, "to": recipient.email,
            "language": language, "kind": kind.key, "mandatory": kind.mandatory, "subject": rendered.subject,
            "text": rendered.text, "html": rendered.html,
        }
