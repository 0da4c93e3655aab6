"""What the caller is to a ticket (creator, assignee, supervisor...) and which tickets they may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from subgraphs.kernel.auth.principal import Principal


@dataclass(frozen=True)
class Standing:
    """The caller's relation to one ticket, from the ticket and the caller's permissions in its company."""

    creator: bool
    assignee: bool
    tutor: bool
    watcher: bool
    reader: bool  # tickets.read: sees every ticket of the company
    editor: bool  # tickets.update: edits and triages tickets
    supervisor: bool  # tickets.manage: moves any ticket, whoever works it
    notes: bool  # tickets.internal_notes
    staff: bool  # works for the desk (tickets.work or tickets.update): their replies answer the customer

    @property
    def participant(self) -> bool:
        return self.creator or self.assignee or self.tutor or self.watcher

    @property
    def sees(self) -> bool:
        return self.reader or self.participant

    @property
    def sees_notes(self) -> bool:
        return self.notes and self.sees


def standing(principal: Principal, ticket: dict[str, Any]) -> Standing:
    company, me = ticket["companyId"], principal.user_id
    return Standing(
        creator=ticket["creatorId"] == me,
        assignee=ticket.get("assigneeId") == me,
        tutor=ticket.get("tutorId") == me,
        watcher=me in (ticket.get("watchers") or ()),
        reader=principal.can("tickets.read", company),
        editor=principal.can("tickets.update", company),
        supervisor=principal.can("tickets.manage", company),
        notes=principal.can("tickets.internal_notes", company),
        staff=principal.can("tickets.work", company) or principal.can("tickets.update", company),
    )


def participants(ticket: dict[str, Any]) -> list[str]:
    """Everyone who takes part in the ticket (creator, assignee, tutor, watchers), kept on it as `participants`
    so "the tickets I take part in" is one indexed condition rather than an `$or` of four."""
    people = [ticket["creatorId"], ticket.get("assigneeId"), ticket.get("tutorId"), *(ticket.get("watchers") or ())]
    return [p for p in dict.fromkeys(people) if p]


def participant_filter(user_id: str) -> dict[str, Any]:
    return {"participants": user_id}


def visibility_filter(principal: Principal, company_id: str) -> dict[str, Any]:
    """The tickets of `company_id` the caller may see: all with tickets.read, else the ones they take part in."""
    return {} if principal.can("tickets.read", company_id) else participant_filter(principal.user_id)
