"""The fallback before a company has a classifier: the catalogue item whose text is nearest the ticket's.

Each item's name and description are embedded once (again when the catalogue changes). A label's score
is the similarity of its nearest item; the confidence is the softmax of the label scores (temperature
0.05: a label 0.1 ahead is about seven times as likely), never more than the best similarity itself:
a ticket unlike every item is not confidently anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from subgraphs.ia.readmodel.catalogue import Item, fingerprint, usable_items
from subgraphs.ia.readmodel.tickets import TRIAGE
from subgraphs.ia.triage import Prediction
from subgraphs.ia.triage.text import ticket_text
from subgraphs.ia.vectors.embedder import Embedder
from subgraphs.kernel.mongo import Database

TEMPERATURE = 0.05


@dataclass(frozen=True)
class ItemVectors:
    key: tuple[tuple[str, Any], ...]
    items: list[Item]
    matrix: np.ndarray


def best_label(similarities: np.ndarray, labels: list[str]) -> Prediction | None:
    """The label whose nearest item is most similar, with a confidence as the module docstring says."""
    best: dict[str, float] = {}
    for label, similarity in zip(labels, similarities, strict=True):
        if label:
            best[label] = max(best.get(label, -1.0), float(similarity))
    if not best:
        return None
    names = list(best)
    scores = np.array([best[n] for n in names])
    odds = np.exp((scores - scores.max()) / TEMPERATURE)
    top = int(scores.argmax())
    confidence = min(float(odds[top] / odds.sum()), max(float(scores[top]), 0.0))
    return Prediction(names[top], confidence)


class CatalogueMatcher:
    """Predicts category, type and priority from the company's (and the platform's) catalogue items."""

    def __init__(self, db: Database, embedder: Embedder) -> None:
        self.db = db
        self.embedder = embedder
        self._cache: dict[str, ItemVectors] = {}

    async def item_vectors(self, company_id: str) -> ItemVectors | None:
        items = await usable_items(self.db, company_id)
        if not items:
            return None
        key = fingerprint(items)
        cached = self._cache.get(company_id)
        if cached is None or cached.key != key:
            texts = [ticket_text(i.get("name"), i.get("description")) for i in items]
            cached = ItemVectors(key, items, await self.embedder.encode(texts))
            self._cache[company_id] = cached
        return cached

    async def predict(self, company_id: str, vectors: np.ndarray) -> list[dict[str, Prediction]] | None:
        """Per ticket vector, a prediction for each target the catalogue has labels for; None without items."""
        found = await self.item_vectors(company_id)
        if found is None:
            return None
        similarities = vectors @ found.matrix.T
        results = []
        for row in similarities:
            predictions = {t: best_label(row, [str(i.get(t) or "") for i in found.items]) for t in TRIAGE}
            results.append({t: p for t, p in predictions.items() if p is not None})
        return results
