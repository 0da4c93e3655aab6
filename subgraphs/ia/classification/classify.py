"""Classifying tickets: the company's own classifier per target where it has one, the catalogue elsewhere.

The outcome's confidence is its least sure target's: the tickets service applies category, type and
priority together or not at all, so below the threshold none is applied and the ticket is flagged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np

from subgraphs.ia.classification.catalogue_match import CatalogueMatcher
from subgraphs.ia.readmodel.tickets import TRIAGE, Ticket
from subgraphs.ia.triage import Prediction, TriageModels
from subgraphs.ia.triage.text import ticket_text
from telemetry import metrics


class ClassificationSource(StrEnum):
    """Where a target's prediction came from."""

    COMPANY = "company"  # the company's own classifier, trained on its labelled tickets
    CATALOGUE = "catalogue"  # the catalogue item nearest in meaning (no company model for the target yet)


@dataclass(frozen=True)
class Predicted:
    label: str
    confidence: float
    source: ClassificationSource


@dataclass(frozen=True)
class Outcome:
    """The predictions for one ticket and what follows from them."""

    predictions: dict[str, Predicted]
    threshold: float

    @property
    def confidence(self) -> float:
        return min(p.confidence for p in self.predictions.values())

    @property
    def needs_review(self) -> bool:
        return self.confidence < self.threshold

    @property
    def model(self) -> str:
        return "+".join(sorted({p.source.value for p in self.predictions.values()}))

    def label(self, target: str) -> str | None:
        found = self.predictions.get(target)
        return found.label if found else None

    def event(self, ticket_id: str) -> dict[str, Any]:
        """The `ticket.classified` payload the tickets service expects."""
        return {"ticketId": ticket_id, **{t: self.label(t) for t in TRIAGE}, "confidence": round(self.confidence, 4),
                "needsReview": self.needs_review, "model": self.model}

    def stored(self, at: datetime) -> dict[str, Any]:
        """What the IA keeps on its view of the ticket (and shows as `Ticket.classification`)."""
        targets = {t: {"label": p.label, "confidence": round(p.confidence, 4), "source": p.source.value}
                   for t, p in self.predictions.items()}
        return {"targets": targets, "confidence": round(self.confidence, 4), "needsReview": self.needs_review,
                "model": self.model, "threshold": self.threshold, "at": at}


class Classifier:
    """Predicts for batches of tickets, any mix of companies, without blocking the event loop."""

    def __init__(self, models: TriageModels, matcher: CatalogueMatcher, *, threshold: float) -> None:
        self.models = models
        self.matcher = matcher
        self.threshold = threshold

    async def classify(self, tickets: list[Ticket], vectors: np.ndarray) -> list[Outcome | None]:
        """One outcome per ticket (None when nothing is known to predict from); vectors row-aligned."""
        outcomes: list[Outcome | None] = [None] * len(tickets)
        by_company: dict[str, list[int]] = defaultdict(list)
        for row, ticket in enumerate(tickets):
            by_company[ticket["companyId"]].append(row)
        for company_id, rows in by_company.items():
            found = await self._company(company_id, [tickets[r] for r in rows], vectors[rows])
            for row, predictions in zip(rows, found, strict=True):
                outcomes[row] = Outcome(predictions, self.threshold) if predictions else None
        for outcome in outcomes:
            if outcome is not None:
                metrics.child(metrics.IA_CONFIDENCE, "ia").observe(outcome.confidence)
        return outcomes

    async def _company(self, company_id: str, tickets: list[Ticket], vectors: np.ndarray
                       ) -> list[dict[str, Predicted]]:
        texts = [ticket_text(t.get("title"), t.get("description")) for t in tickets]
        found: list[dict[str, Predicted]] = [{} for _ in tickets]
        fallback: list[dict[str, Prediction]] | None = None
        for target in TRIAGE:
            predictions: list[Prediction | None]
            model = await self.models.get(company_id, target)
            if model is not None:
                predictions, source = list(await model.predict(texts)), ClassificationSource.COMPANY
            else:
                if fallback is None:
                    fallback = await self.matcher.predict(company_id, vectors) or [{} for _ in tickets]
                predictions, source = [f.get(target) for f in fallback], ClassificationSource.CATALOGUE
            for row, prediction in enumerate(predictions):
                if prediction is not None:
                    found[row][target] = Predicted(prediction.label, prediction.confidence, source)
        return found
