"""A ticket as chat sees it: its company, reference, title, status and the people on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Every ticket event of the tickets service carries these (its `snapshot`); IA events do not.
SNAPSHOT_FIELDS = ("companyId", "reference", "title", "status", "creatorId", "assigneeId", "tutorId", "watcherIds")


def is_snapshot(data: dict[str, Any]) -> bool:
    return all(field in data for field in ("ticketId", "companyId", "status", "creatorId"))


@dataclass(frozen=True)
class TicketView:
    id: str
    company_id: str
    reference: str
    title: str
    status: str
    creator_id: str
    assignee_id: str | None
    tutor_id: str | None
    watcher_ids: tuple[str, ...]

    @property
    def participant_ids(self) -> list[str]:
        """Creator, assignee, tutor and watchers, each once."""
        ids = [self.creator_id, self.assignee_id, self.tutor_id, *self.watcher_ids]
        return list(dict.fromkeys(i for i in ids if i))

    def takes_part(self, user_id: str) -> bool:
        return user_id in self.participant_ids

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> TicketView:
        return cls(
            id=doc["_id"], company_id=doc["companyId"], reference=doc.get("reference") or "",
            title=doc.get("title") or "", status=doc["status"], creator_id=doc["creatorId"],
            assignee_id=doc.get("assigneeId"), tutor_id=doc.get("tutorId"),
            watcher_ids=tuple(doc.get("watcherIds") or ()),
        )

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> TicketView:
        return cls.from_doc({"_id": data["ticketId"], **{k: data.get(k) for k in SNAPSHOT_FIELDS}})
