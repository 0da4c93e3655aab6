"""GraphQL input types of the tickets subgraph, each turning itself into the domain's draft."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.file_uploads import Upload as FileUpload

from subgraphs.tickets.catalogue.forms import FieldDraft
from subgraphs.tickets.catalogue.items import ItemDraft
from subgraphs.tickets.conversation.service import CommentDraft
from subgraphs.tickets.graphql.enums import (
    FieldKind,
    Level,
    Priority,
    TicketSortField,
    TicketStatus,
    TicketType,
    Weekday,
)
from subgraphs.tickets.sla.calendar import BusinessCalendar, Holiday, build_calendar
from subgraphs.tickets.ticket.attachments import Upload
from subgraphs.tickets.ticket.creation import TicketDraft
from subgraphs.tickets.ticket.editing import TicketChanges
from subgraphs.tickets.ticket.finding import TicketQuery


@strawberry.input
class FormFieldInput:
    key: str = strawberry.field(description="lower_case identifier, unique in the form")
    label: str
    kind: FieldKind
    required: bool = False
    options: list[str] | None = strawberry.field(default=None, description="The choices of a LIST question.")

    def draft(self) -> FieldDraft:
        return FieldDraft(self.key, self.label, self.kind, self.required, tuple(self.options or ()))


@strawberry.input
class ServiceItemInput:
    name: str
    description: str | None = None
    type: TicketType
    category: str
    impact: Level
    urgency: Level
    response_minutes: int = strawberry.field(description="First-response target, in business minutes.")
    resolution_minutes: int = strawberry.field(description="Resolution target, in business minutes.")
    care_group: str | None = None
    form: list[FormFieldInput] | None = None
    active: bool = True

    def draft(self) -> ItemDraft:
        return ItemDraft(name=self.name, type=self.type, category=self.category, impact=self.impact,
                         urgency=self.urgency, response_minutes=self.response_minutes,
                         resolution_minutes=self.resolution_minutes, description=self.description,
                         care_group=self.care_group, form=tuple(f.draft() for f in self.form or ()),
                         active=self.active)


@strawberry.input
class ServiceItemFilter:
    type: TicketType | None = None
    category: str | None = None
    search: str | None = strawberry.field(default=None, description="Part of the name, description or category.")
    include_inactive: bool = strawberry.field(default=False, description="Archived items too (catalogue managers).")


@strawberry.input
class OpeningHoursInput:
    day: Weekday
    opens: str = strawberry.field(description="Local time, e.g. 09:00.")
    closes: str = strawberry.field(description="Local time, e.g. 18:00; 24:00 for midnight.")


@strawberry.input
class HolidayInput:
    date: dt.date
    name: str | None = None


@strawberry.input
class CalendarInput:
    timezone: str = strawberry.field(description="IANA time zone, e.g. Europe/Madrid.")
    hours: list[OpeningHoursInput]
    holidays: list[HolidayInput] | None = None

    def calendar(self) -> BusinessCalendar:
        return build_calendar(self.timezone, [(h.day.value, h.opens, h.closes) for h in self.hours],
                              [Holiday(h.date, h.name) for h in self.holidays or ()])


@strawberry.input
class DeskSettingsInput:
    calendar: CalendarInput | None = None
    auto_assign: bool | None = None


@strawberry.input(description="A file to attach: sent as a file (`file`, the GraphQL multipart request spec), or, "
                               "until the next release, as base64 text.")
class AttachmentInput:
    name: str
    content_base64: str | None = strawberry.field(
        default=None, deprecation_reason="Send the file itself in `file` (a multipart request).")
    file: FileUpload | None = None

    async def upload(self) -> Upload:
        if self.file is not None:  # on the service's disk already: the request's size limit bounds it
            return Upload.of_file(self.name, await self.file.read())  # type: ignore[attr-defined]  # a Starlette UploadFile
        return Upload(self.name, self.content_base64)


@strawberry.input
class FormAnswerInput:
    key: str
    value: str


@strawberry.input
class CreateTicketInput:
    item_id: strawberry.ID
    title: str
    description: str
    answers: list[FormAnswerInput] | None = None
    tags: list[str] | None = None
    watcher_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Colleagues to keep informed.")
    attachments: list[AttachmentInput] | None = None

    async def draft(self) -> TicketDraft:
        return TicketDraft(item_id=str(self.item_id), title=self.title, description=self.description,
                           answers=tuple((a.key, a.value) for a in self.answers or ()), tags=tuple(self.tags or ()),
                           watcher_ids=tuple(str(w) for w in self.watcher_ids or ()),
                           attachments=tuple([await a.upload() for a in self.attachments or ()]))


@strawberry.input(description="Fields to change; the ones left out stay as they are.")
class UpdateTicketInput:
    title: str | None = None
    description: str | None = None
    type: TicketType | None = None
    category: str | None = None
    impact: Level | None = None
    urgency: Level | None = None
    priority: Priority | None = strawberry.field(default=None, description="Overrides the impact x urgency matrix.")
    tags: list[str] | None = None

    def changes(self) -> TicketChanges:
        return TicketChanges(title=self.title, description=self.description, type=self.type, category=self.category,
                             impact=self.impact, urgency=self.urgency, priority=self.priority,
                             tags=tuple(self.tags) if self.tags is not None else None)


@strawberry.input
class TicketFilter:
    status: list[TicketStatus] | None = None
    priority: list[Priority] | None = None
    category: list[str] | None = None
    type: list[TicketType] | None = None
    item_id: strawberry.ID | None = None
    assignee_id: strawberry.ID | None = None
    creator_id: strawberry.ID | None = None
    unassigned: bool | None = None
    tags: list[str] | None = strawberry.field(default=None, description="Tickets carrying every one of these tags.")
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    text: str | None = strawberry.field(default=None, description="Part of the title, description or reference.")
    sla_breached: bool | None = None
    needs_review: bool | None = None

    def query(self) -> TicketQuery:
        return TicketQuery(
            statuses=tuple(s.value for s in self.status or ()), priorities=tuple(p.value for p in self.priority or ()),
            categories=tuple(self.category or ()), types=tuple(t.value for t in self.type or ()),
            item_id=_str(self.item_id), assignee_id=_str(self.assignee_id), creator_id=_str(self.creator_id),
            unassigned=self.unassigned, tags=tuple(self.tags or ()), created_after=self.created_after,
            created_before=self.created_before, text=self.text, sla_breached=self.sla_breached,
            needs_review=self.needs_review,
        )


def _str(value: strawberry.ID | None) -> str | None:
    return str(value) if value is not None else None


@strawberry.input
class TicketSort:
    field: TicketSortField = TicketSortField.CREATED_AT
    descending: bool = True


@strawberry.input
class CommentInput:
    body: str
    internal: bool = strawberry.field(default=False, description="An internal note, never shown to customers.")
    mention_ids: list[strawberry.ID] | None = None

    def draft(self) -> CommentDraft:
        return CommentDraft(self.body, self.internal, tuple(str(m) for m in self.mention_ids or ()))
