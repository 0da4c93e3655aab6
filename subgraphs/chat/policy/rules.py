"""The chat policy as data: the default, and what makes a policy valid. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.events.contracts.tickets import TicketStatus

EVERY_STATUS = frozenset(TicketStatus)
# A chat is a conversation about work still going on; once the work is done it stays on record.
DEFAULT_WRITABLE = frozenset({TicketStatus.OPEN, TicketStatus.IN_PROGRESS, TicketStatus.ON_HOLD})


@dataclass(frozen=True)
class ChatPolicy:
    company_id: str
    readable: frozenset[TicketStatus] = EVERY_STATUS
    writable: frozenset[TicketStatus] = DEFAULT_WRITABLE
    customised: bool = False

    def may_read(self, status: str) -> bool:
        return status in self.readable

    def may_write(self, status: str) -> bool:
        return status in self.writable

    @classmethod
    def from_doc(cls, company_id: str, doc: dict[str, Any] | None) -> ChatPolicy:
        if doc is None:
            return cls(company_id)
        return cls(company_id, frozenset(TicketStatus(s) for s in doc["readable"]),
                   frozenset(TicketStatus(s) for s in doc["writable"]), customised=True)


def checked(readable: frozenset[TicketStatus], writable: frozenset[TicketStatus]) -> None:
    """A chat one may write in must be one one may read."""
    unreadable = sorted(s.name for s in writable - readable)
    if unreadable:
        raise BadUserInput(f"a chat writable in {', '.join(unreadable)} must be readable there too",
                           field="writableStatuses")
