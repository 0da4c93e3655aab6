"""The Ticket entity as the IA extends it: classification, similar tickets, suggested replies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from subgraphs.ia.classification.classify import ClassificationSource
from subgraphs.ia.classification.view import classification_of
from subgraphs.ia.deps import deps_of
from subgraphs.ia.graphql.common import Ctx, api_label
from subgraphs.ia.graphql.loaders import load_ticket
from subgraphs.ia.readmodel.visibility import is_staff
from subgraphs.ia.similar import service
from subgraphs.ia.similar.replies import Suggestion

MAX_SIMILAR = 20
MAX_REPLIES = 10

strawberry.enum(ClassificationSource, name="ClassificationSource",
                description="Where a prediction came from: COMPANY, the company's own classifier trained on its "
                            "labelled tickets; CATALOGUE, the catalogue item nearest in meaning (used until the "
                            "company has a classifier for that field).")


@strawberry.type(description="One predicted label and how sure the IA is of it.")
class ClassifiedLabel:
    value: str = strawberry.field(description="A category as the catalogue names it; a type or priority in the "
                                              "spelling of the Ticket's own fields (REQUEST, CRITICAL).")
    confidence: float = strawberry.field(description="0 to 1.")
    source: ClassificationSource = strawberry.field(description="Which classifier predicted it.")


@strawberry.type(description="The IA's triage of a ticket, as it predicted it.")
class TicketClassification:
    category: ClassifiedLabel | None
    type: ClassifiedLabel | None
    priority: ClassifiedLabel | None
    confidence: float = strawberry.field(description="The least sure of the three: they are applied together.")
    needs_review: bool = strawberry.field(description="Below the threshold: nothing was applied, a person decides.")
    threshold: float
    applied: bool = strawberry.field(description="Confident, and the ticket carries these labels now.")
    model: str
    classified_at: datetime

    @classmethod
    def of(cls, found: dict[str, Any]) -> TicketClassification:
        targets = found.get("targets") or {}

        def label(target: str) -> ClassifiedLabel | None:
            got = targets.get(target)
            return ClassifiedLabel(value=api_label(target, got["label"]), confidence=got["confidence"],
                                   source=ClassificationSource(got["source"])) if got else None

        return cls(category=label("category"), type=label("type"), priority=label("priority"),
                   confidence=found["confidence"], needs_review=found["needsReview"],
                   threshold=found.get("threshold", 0.0), applied=found["applied"], model=found["model"],
                   classified_at=found["at"])


@strawberry.type(description="A ticket like another in meaning.")
class SimilarTicket:
    ticket: Ticket
    similarity: float = strawberry.field(description="Cosine similarity of the two texts' embeddings (0 to 1).")
    likely_duplicate: bool = strawberry.field(description="Similar enough to be the same request.")


@strawberry.type(description="How the desk answered a similar ticket it resolved: a reply to start from.")
class SuggestedReply:
    text: str = strawberry.field(description="The reply (its first 280 characters).")
    similarity: float = strawberry.field(description="How like this ticket the answered one is.")
    replied_at: datetime
    source: Ticket = strawberry.field(description="The resolved ticket it answered.")

    @classmethod
    def of(cls, found: Suggestion) -> SuggestedReply:
        return cls(text=found.text, similarity=round(found.similarity, 4), replied_at=found.at,
                   source=Ticket.reference(found.ticket_id))


@strawberry.federation.type(keys=["id"], description="A ticket (the tickets subgraph); the IA adds its triage, "
                                                     "similar tickets and suggested replies.")
class Ticket:
    id: strawberry.ID
    doc: strawberry.Private[dict[str, Any] | None]

    @classmethod
    def reference(cls, ticket_id: str, doc: dict[str, Any] | None = None) -> Ticket:
        return cls(id=strawberry.ID(ticket_id), doc=doc)

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Ticket | None:
        doc = await load_ticket(info.context, str(id))
        return cls(id=id, doc=doc) if doc else None

    async def _seen(self, info: Ctx) -> dict[str, Any] | None:
        if self.doc is None:
            self.doc = await load_ticket(info.context, str(self.id))
        return self.doc

    @strawberry.field(description="The IA's triage of the ticket; null until it classified it, and for anyone "
                                  "but the desk.")
    async def classification(self, info: Ctx) -> TicketClassification | None:
        doc = await self._seen(info)
        if doc is None or not is_staff(info.context.require(), doc["companyId"]):
            return None
        found = classification_of(doc)
        return TicketClassification.of(found) if found else None

    @strawberry.field(description="Tickets like this one that you may see, most similar first.")
    async def similar_tickets(self, info: Ctx, limit: int = 5) -> list[SimilarTicket]:
        doc = await self._seen(info)
        if doc is None:
            return []
        deps = deps_of(info.context)
        found = await service.similar_for(deps, info.context.tenancy, info.context.require(), doc,
                                          limit=service.check_limit(limit, most=MAX_SIMILAR))
        duplicate = deps.settings.duplicate_min
        return [SimilarTicket(ticket=Ticket.reference(t["_id"], t), similarity=round(s, 4),
                              likely_duplicate=s >= duplicate) for t, s in found]

    @strawberry.field(description="Replies the desk gave on similar resolved tickets; null for anyone who does "
                                  "not work and see all of the company's tickets.")
    async def suggested_replies(self, info: Ctx, limit: int = 3) -> list[SuggestedReply] | None:
        doc = await self._seen(info)
        if doc is None:
            return None
        found = await service.replies_for(deps_of(info.context), info.context.tenancy, info.context.require(), doc,
                                          limit=service.check_limit(limit, most=MAX_REPLIES))
        return None if found is None else [SuggestedReply.of(s) for s in found]

    @strawberry.field(description="The earlier open ticket this one likely repeats, if you may see it.")
    async def likely_duplicate_of(self, info: Ctx) -> SimilarTicket | None:
        doc = await self._seen(info)
        found = (doc or {}).get("duplicateOf")
        original = await load_ticket(info.context, found["ticketId"]) if found else None
        if found is None or original is None:
            return None
        return SimilarTicket(ticket=Ticket.reference(original["_id"], original), similarity=found["similarity"],
                             likely_duplicate=True)
