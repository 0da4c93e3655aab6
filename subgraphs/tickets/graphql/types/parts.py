"""GraphQL types of a ticket's parts: answers, attachments, SLA, rating, the IA's assignment suggestion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from subgraphs.tickets.graphql.enums import FieldKind
from subgraphs.tickets.graphql.types.common import Ctx, User, user


@strawberry.type(description="The answer to one question of the item's form.")
class FormAnswer:
    key: str
    label: str
    kind: FieldKind
    value: str

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> FormAnswer:
        return cls(key=doc["key"], label=doc["label"], kind=FieldKind(doc["kind"]), value=doc["value"])


@strawberry.type
class Attachment:
    id: strawberry.ID
    name: str
    content_type: str = strawberry.field(description="As found in the content, not as declared.")
    size: int
    uploaded_at: datetime
    uploaded_by: User | None
    key: strawberry.Private[str]

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Attachment:
        return cls(id=strawberry.ID(doc["id"]), name=doc["name"], content_type=doc["contentType"],
                   size=doc["size"], uploaded_at=doc["uploadedAt"], uploaded_by=user(doc.get("uploadedBy")),
                   key=doc["key"])

    @strawberry.field(description="Reads the file: a link on the API's origin, signed for whoever may read the "
                                  "ticket and valid for FILE_LINK_TTL_SECONDS (15 minutes by default); ask again "
                                  "for a fresh one.")
    def url(self, info: Ctx) -> str:
        return info.context.runtime.storage.link(self.key, self.content_type)


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 2)


@strawberry.type(description="Service-level deadlines and how the ticket did; times in business minutes.")
class TicketSla:
    response_target_minutes: int
    resolution_target_minutes: int
    response_due_at: datetime
    resolution_due_at: datetime
    paused_at: datetime | None = strawberry.field(description="Set while the clocks stand still (on hold, resolved).")
    first_response_at: datetime | None
    first_response_minutes: float | None
    response_met: bool | None
    resolution_minutes: float | None
    resolution_met: bool | None
    response_warned_at: datetime | None
    response_breached_at: datetime | None
    resolution_warned_at: datetime | None
    resolution_breached_at: datetime | None

    @classmethod
    def from_doc(cls, sla: dict[str, Any]) -> TicketSla:
        return cls(
            response_target_minutes=sla["responseTargetMinutes"],
            resolution_target_minutes=sla["resolutionTargetMinutes"], response_due_at=sla["responseDueAt"],
            resolution_due_at=sla["resolutionDueAt"], paused_at=sla["pausedAt"],
            first_response_at=sla["firstResponseAt"], first_response_minutes=_minutes(sla["firstResponseSeconds"]),
            response_met=sla["responseMet"], resolution_minutes=_minutes(sla["resolutionSeconds"]),
            resolution_met=sla["resolutionMet"], response_warned_at=sla["responseWarnedAt"],
            response_breached_at=sla["responseBreachedAt"], resolution_warned_at=sla["resolutionWarnedAt"],
            resolution_breached_at=sla["resolutionBreachedAt"],
        )

    @strawberry.field
    def breached(self) -> bool:
        return self.response_breached_at is not None or self.resolution_breached_at is not None


@strawberry.type
class Rating:
    score: int
    comment: str | None
    rated_at: datetime
    updated_at: datetime

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Rating:
        return cls(score=doc["score"], comment=doc.get("comment"), rated_at=doc["ratedAt"],
                   updated_at=doc["updatedAt"])


@strawberry.type
class SuggestionFactor:
    name: str
    value: float


@strawberry.type(description="The IA's suggested assignee, with the factors of its choice.")
class AssignmentSuggestion:
    assignee: User | None
    score: float | None
    factors: list[SuggestionFactor]
    reason: str | None
    applied: bool
    at: datetime

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> AssignmentSuggestion:
        factors = [SuggestionFactor(name=str(k), value=float(v)) for k, v in (doc.get("factors") or {}).items()
                   if isinstance(v, int | float)]
        score = doc.get("score")
        return cls(assignee=user(doc.get("assigneeId")), score=float(score) if score is not None else None,
                   factors=factors, reason=doc.get("reason"), applied=doc["applied"], at=doc["at"])
